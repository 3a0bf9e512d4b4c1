import { describe, expect, it } from 'vitest';
import { cleanPastedHtml, cleanPastedText, decodeEntities } from './paste-clean.ts';

const WORD_HTML = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8"><style>p.MsoNormal{margin:0}</style><!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]--></head>
<body lang=VI><div class=WordSection1>
<p class=MsoNormal style='margin-bottom:0cm'><b><span style='font-size:14pt;mso-bidi-font-weight:normal'>Chợ phiên vùng cao</span></b><o:p></o:p></p>
<p class=MsoNormal>Sáng <i>chủ nhật</i>, <span style='font-weight:700'>người dân</span> xuống <a href="https://example.vn/cho">chợ</a>.<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Rau rừng<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'>·<span>&nbsp;</span></span><![endif]>Mật ong<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l1 level1 lfo2'><!--[if !supportLists]--><span>1.<span>&nbsp;</span></span><!--[endif]-->Bước một</p>
<p class=MsoListParagraphCxSpLast style='mso-list:l1 level1 lfo2'><!--[if !supportLists]--><span>2.<span>&nbsp;</span></span><!--[endif]-->Bước hai</p>
<p class=MsoNormal><img src="file:///C:/x.jpg"><span style='font-family:".VnTime"'>TiÕng ViÖt</span> và <span style="font-family:'VNI-Times'">Vieät Nam</span></p>
</div></body></html>`;

describe('paste cleaning', () => {
  it('keeps paragraphs, bold, italic, links and Word lists; drops styles, comments, images and Office tags', () => {
    const { html, converted } = cleanPastedHtml(WORD_HTML);
    expect(html).toBe(
      '<p><strong>Chợ phiên vùng cao</strong></p>' +
        '<p>Sáng <em>chủ nhật</em>, <strong>người dân</strong> xuống <a href="https://example.vn/cho">chợ</a>.</p>' +
        '<ul><li><p>Rau rừng</p></li><li><p>Mật ong</p></li></ul>' +
        '<ol><li><p>Bước một</p></li><li><p>Bước hai</p></li></ol>' +
        '<p>Tiếng Việt và Việt Nam</p>',
    );
    expect(converted).toBe('tcvn3');
  });

  it('unwraps Google Docs’ non-bold <b> wrapper and keeps its real marks', () => {
    const gdocs = '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><p dir="ltr"><span style="font-weight:400">Một </span><span style="font-weight:700">hai</span><span style="font-style:italic"> ba</span></p></b>';
    expect(cleanPastedHtml(gdocs).html).toBe('<p>Một <strong>hai</strong><em> ba</em></p>');
  });

  it('drops scripts, event handlers, javascript: links and unknown elements, escaping text', () => {
    const evil = '<p onclick="x()">a &lt;b&gt; <script>alert(1)</script><a href="javascript:alert(1)">link</a> <iframe src="https://x"></iframe><img src=x onerror=alert(1)><style>p{}</style>c</p>';
    const { html } = cleanPastedHtml(evil);
    expect(html).toBe('<p>a &lt;b&gt; link c</p>');
    expect(html).not.toMatch(/script|onerror|javascript|iframe|style/i);
  });

  it('turns web-page structure into the editor’s blocks: headings, quotes, lists, divs as paragraphs', () => {
    const web = '<div><h1 class="t">Tít</h1><div><div>Đoạn một</div></div><blockquote><p>Trích dẫn</p></blockquote><ul><li>Một</li><li><b>Hai</b></li></ul><h6>Nhỏ</h6><p>&nbsp;</p><table><tr><td>Ô bảng</td></tr></table></div>';
    expect(cleanPastedHtml(web).html).toBe('<h2>Tít</h2><p>Đoạn một</p><blockquote><p>Trích dẫn</p></blockquote><ul><li>Một</li><li><strong>Hai</strong></li></ul><h4>Nhỏ</h4><p>Ô bảng</p>');
  });

  it('converts legacy text without font hints when the whole paste reads as TCVN3 or VNI', () => {
    expect(cleanPastedHtml('<p>Ng\u00adêi d©n ®i chî phiªn</p>')).toEqual({ html: '<p>Người dân đi chợ phiên</p>', converted: 'tcvn3' });
    expect(cleanPastedHtml('<p>Ngöôøi daân ñi chôï phieân</p>')).toEqual({ html: '<p>Người dân đi chợ phiên</p>', converted: 'vni' });
    expect(cleanPastedHtml('<p>Người dân đi chợ phiên</p>')).toEqual({ html: '<p>Người dân đi chợ phiên</p>', converted: null });
  });

  it('upper-cases text in .VnTimeH fonts', () => {
    expect(cleanPastedHtml('<p><span style="font-family:.VnTimeH">tin nãng</span></p>').html).toBe('<p>TIN NÓNG</p>');
  });

  it('survives broken markup', () => {
    expect(cleanPastedHtml('<p>mở <b>đậm <i>nghiêng</p> tiếp < 3 <').html).toBe('<p>mở <strong>đậm <em>nghiêng</em></strong></p><p> tiếp &lt; 3 &lt;</p>');
    expect(cleanPastedHtml('').html).toBe('');
  });

  it('decodes entities', () => {
    expect(decodeEntities('&amp;&lt;&#7879;&#x1EC7;&nbsp;&bogus;&#0;')).toBe('&<ệệ\u00a0&bogus;');
  });

  it('plain text: converts legacy encodings and normalizes to NFC', () => {
    expect(cleanPastedText('TiÕng ViÖt rÊt hay')).toEqual({ text: 'Tiếng Việt rất hay', converted: 'tcvn3' });
    expect(cleanPastedText('Vie\u0302\u0323t')).toEqual({ text: 'Việt', converted: null });
  });
});
