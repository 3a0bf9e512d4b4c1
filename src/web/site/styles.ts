/**
 * Reader site stylesheet, inlined in every page: small enough that a separate request would cost more.
 *
 * Type scale: few sizes (14, 17, 20, 24 px on a phone) and two weights (400, 700), no italics in the page chrome.
 * Each distinct size/weight/style of the system font is a separate font instance the renderer must set up before
 * it can lay text out (on Linux Chromium one synchronous round trip to the browser process each), and that work
 * was most of the article page's layout time in the Lighthouse trace (docs/PERFORMANCE.md, Lighthouse).
 */
export const SITE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1a1a1a;background:#fff;line-height:1.6;font-size:1.0625rem}
a{color:#0b4f8a;text-decoration:none}a:hover,a:focus{text-decoration:underline}
:focus-visible{outline:3px solid #0b4f8a;outline-offset:2px}
img{max-width:100%;height:auto;background:#eceff3}
input,button{font:inherit}
.wrap{max-width:1140px;margin:0 auto;padding:0 16px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:8px;z-index:10}.skip:focus{left:8px}
.masthead{border-bottom:3px solid #a50e0e}
.masthead .top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;padding-top:12px;padding-bottom:12px}
.brand{font-size:1.5rem;font-weight:700;color:#a50e0e;letter-spacing:-.5px}.brand:hover{text-decoration:none}
.tagline{margin:0;color:#555;font-size:.875rem}
.today{color:#555;font-size:.875rem}
.search{display:flex;gap:4px}.search input{padding:6px 8px;border:1px solid #767676;border-radius:4px;min-width:0}
.search button,.btn{padding:6px 12px;border:0;border-radius:4px;background:#a50e0e;color:#fff;cursor:pointer}
nav.sections ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0 4px}
nav.sections a{display:block;padding:10px 10px;color:#1a1a1a;font-weight:700;font-size:.875rem}
nav.sections a[aria-current]{color:#a50e0e}
main{padding:16px 0 32px}
.crumbs ol{list-style:none;margin:0 0 8px;padding:0;display:flex;flex-wrap:wrap;gap:6px;font-size:.875rem}
.crumbs li+li::before{content:"›";margin-right:6px;color:#767676}
.crumbs a{color:#a50e0e;font-weight:700}
.layout{display:grid;gap:32px}
@media(min-width:960px){.layout{grid-template-columns:minmax(0,1fr) 320px}}
article.story{max-width:760px}
h1{font-size:clamp(1.5rem,4vw,2.125rem);line-height:1.25;margin:.25em 0 .4em;font-weight:700}
.label{color:#a50e0e;font-weight:700}
.meta{color:#555;font-size:.875rem;display:flex;flex-wrap:wrap;gap:4px 16px;margin-bottom:12px}
.sapo{font-weight:700;line-height:1.55;margin:0 0 16px}
.body{font-size:var(--fs,1.0625rem)}
.body p{margin:0 0 1em}
.body h2,.body h3,.body h4{font-size:1.25rem;line-height:1.3;margin:1.4em 0 .6em}.body h3,.body h4{font-size:1em}
.body blockquote{margin:1em 0;padding:.2em 1em;border-left:4px solid #a50e0e;background:#faf6f6}
.figure{margin:1.25em 0;text-align:center}
.figure img{display:block;margin:0 auto}
.figure figcaption,.video figcaption,.audio figcaption{font-size:.875rem;color:#333;background:#f3f4f6;padding:8px 12px;text-align:center}
.video,.audio{margin:1.25em 0}.video figcaption a{text-decoration:underline}.audio audio{display:block;width:100%}.audio .na{color:#555}.video iframe{display:block;width:100%;height:auto;aspect-ratio:16/9;border:0;background:#111827}
@media(min-width:960px){.layout.single{grid-template-columns:minmax(0,1fr)}}
.single>div{width:100%;max-width:960px;margin:0 auto}.single article.story{max-width:none}
.hero{margin:0 0 20px}.hero img{display:block;width:100%;aspect-ratio:3/2;object-fit:cover}@media(min-width:720px){.hero img{aspect-ratio:2/1}}
.type-emagazine .story h1{font-size:clamp(1.75rem,5vw,2.5rem);text-align:center}
.type-emagazine .crumbs ol,.type-emagazine .meta,.type-emagazine .fontsize{justify-content:center}
.type-emagazine .sapo,.type-emagazine .body>:not(.figure):not(.gallery):not(.video),.type-emagazine .bylines,.type-emagazine .correction{max-width:680px;margin-left:auto;margin-right:auto}
.type-emagazine .body{font-size:var(--fs,1.25rem)}
.credit{color:#555}
.gallery{display:grid;gap:8px;grid-template-columns:repeat(auto-fill,minmax(220px,1fr))}
.box{background:#f1f5f9;border-left:4px solid #0b4f8a;padding:12px 16px;margin:1.25em 0}
.correction{margin:1em 0;padding:10px 14px;border-left:4px solid #b45309;background:#fffbeb}.correction p{margin:0}
.bylines{font-weight:700;text-align:right;margin:1em 0}
.bylines .role{font-weight:400;color:#555}
.tags{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:16px 0}
.tags a{display:inline-block;padding:4px 10px;border:1px solid #c8ccd2;border-radius:16px;color:#333;font-size:.875rem}
.share{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:16px 0;font-size:.875rem}
.share a{padding:6px 10px;border-radius:4px;background:#eef2f7;color:#1a1a1a}
.share input{flex:1;min-width:180px;padding:6px;border:1px solid #767676;border-radius:4px}
.fontsize{display:flex;gap:6px;align-items:center;font-size:.875rem;margin:0 0 12px}
.fontsize a{padding:2px 8px;border:1px solid #c8ccd2;border-radius:4px;color:#1a1a1a}
.fs-toggle{position:absolute;opacity:0;width:1px;height:1px}.fs-toggle:focus-visible+.fontsize label{outline:3px solid #0b4f8a}.fs-toggle:checked~.body{--fs:1.3rem}.fontsize label{padding:2px 8px;border:1px solid #c8ccd2;border-radius:4px;cursor:pointer}
section.block{margin:24px 0}
section.block>h2{font-size:1.25rem;margin:0 0 12px;padding-bottom:6px;border-bottom:2px solid #a50e0e;color:#a50e0e}
.cards{list-style:none;margin:0;padding:0;display:grid;gap:16px}
.card{display:grid;grid-template-columns:160px minmax(0,1fr);gap:12px;align-items:start}
.card img{width:160px;height:100px;object-fit:cover;border-radius:2px}
.card h2,.card h3{font-size:1em;line-height:1.35;margin:0 0 4px}
.card h2 a,.card h3 a{color:#1a1a1a}
.card p{margin:0;color:#444;font-size:.875rem;display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.card time{color:#666;font-size:.875rem}
.cards.compact .card{grid-template-columns:100px minmax(0,1fr)}.cards.compact .card img{width:100px;height:64px}
.most-read{margin:0;padding:0 0 0 1.5em}.most-read li{padding:8px 0;border-bottom:1px solid #e5e7eb;line-height:1.35}.most-read li::marker{color:#a50e0e;font-weight:700}.most-read a{color:#1a1a1a}
.lead{display:grid;gap:16px;margin-bottom:24px}
@media(min-width:720px){.lead{grid-template-columns:3fr 2fr}}
.lead h2{font-size:1.5rem;line-height:1.25;margin:0 0 8px}.lead h2 a{color:#1a1a1a}
.lead img{width:100%;height:auto;aspect-ratio:3/2;object-fit:cover}
.sections-grid{display:grid;gap:24px}
@media(min-width:720px){.sections-grid{grid-template-columns:1fr 1fr}}
.pager{display:flex;gap:8px;flex-wrap:wrap;margin:24px 0;list-style:none;padding:0}
.pager a,.pager span{display:inline-block;padding:6px 12px;border:1px solid #c8ccd2;border-radius:4px}
.pager [aria-current]{background:#a50e0e;color:#fff;border-color:#a50e0e}
.notice{padding:16px;background:#fff7e6;border:1px solid #f0c36d;border-radius:4px}
footer.site{background:#1f2937;color:#e5e7eb;padding:24px 0;font-size:.875rem}
footer.site a{color:#fff;text-decoration:underline}
footer.site .name{font-size:1.25rem;font-weight:700;color:#fff;margin:0 0 8px}
footer.site p{margin:.25em 0}
.social{display:flex;gap:12px;list-style:none;padding:0;margin:12px 0 0}
.subnav{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:0 0 16px}
.subnav a{padding:4px 10px;background:#f3f4f6;border-radius:4px;color:#1a1a1a;font-size:.875rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{@page{margin:15mm}.masthead nav,.search,.share,.fontsize,.fs-toggle,.tags,aside.rail,section.block,.video iframe,.audio audio,footer.site .social,.skip,.today{display:none!important}body{font-size:12pt;line-height:1.45;color:#000;background:#fff}a{color:#000}.layout{display:block}article.story{max-width:none}.story h1{font-size:20pt}.body{font-size:12pt}.figure,blockquote,.box{break-inside:avoid}h1,h2,h3{break-after:avoid}p{orphans:3;widows:3}.body a[href^="http"]::after{content:" (" attr(href) ")";font-size:90%;word-break:break-all}.figure figcaption{background:none;border-bottom:1px solid #999}}
`.replace(/\n/g, '');
