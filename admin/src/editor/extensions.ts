import { Node, mergeAttributes, type CommandProps, type Editor } from '@tiptap/core';
import type { Node as PMNodeType } from '@tiptap/pm/model';
import { NodeSelection, TextSelection } from '@tiptap/pm/state';
import { t } from '../i18n/index.ts';
import { audioAttrs, figureAttrs, providerOf } from './doc-convert.ts';
import { mediaUrlFor } from './media-cache.ts';

/**
 * Story blocks beyond StarterKit: figure (image + caption + credit, caption edited in place under the
 * image), gallery (several figures), audio (a library recording with a player to listen to it, title, caption and
 * credit edited in place), embed (YouTube/Facebook/TikTok by URL, its title edited in place) and a highlighted box.
 * Their attributes are exactly those of src/domain/document.ts.
 */

/**
 * After a photo, gallery or embed goes in, the cursor goes to the text after it (a new paragraph when none follows).
 * Left as it was, the new block stayed selected and the next key typed replaced it: the photo vanished.
 */
function cursorAfterBlock({ tr }: CommandProps): boolean {
  const sel = tr.selection;
  if (!(sel instanceof NodeSelection)) return true;
  // The story-level block holding the selection (a figure may sit inside a gallery).
  const $from = tr.doc.resolve(sel.from);
  const end = $from.depth === 0 ? sel.to : $from.after(1);
  const next = tr.doc.resolve(end).nodeAfter;
  if (!next || !next.isTextblock) tr.insert(end, tr.doc.type.schema.nodes.paragraph!.create());
  tr.setSelection(TextSelection.create(tr.doc, end + 1));
  return true;
}

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    storyBlocks: {
      insertFigure: (attrs: Record<string, unknown>) => ReturnType;
      insertGallery: (figures: Array<Record<string, unknown>>) => ReturnType;
      insertEmbed: (url: string) => ReturnType;
      insertAudio: (attrs: Record<string, unknown>) => ReturnType;
      toggleBox: () => ReturnType;
    };
  }
}

function field(kind: 'textarea' | 'input', label: string, className: string): HTMLTextAreaElement | HTMLInputElement {
  const el = document.createElement(kind);
  el.className = className;
  el.setAttribute('aria-label', label);
  el.placeholder = label;
  if (el instanceof HTMLTextAreaElement) el.rows = 1;
  return el;
}

/**
 * Keeps a node view's text fields and its node's attributes in step: typing writes the attribute; Enter or Escape
 * ends the field and puts the cursor back in the story, after the block.
 */
function bindFields(editor: Editor, getPos: (() => number | undefined) | boolean, current: () => PMNodeType, fields: Array<[HTMLInputElement | HTMLTextAreaElement, string]>) {
  const pos = () => (typeof getPos === 'function' ? getPos() : undefined);
  for (const [el, key] of fields) {
    el.addEventListener('input', () => {
      const at = pos();
      if (at === undefined || !editor.isEditable) return;
      editor.view.dispatch(editor.view.state.tr.setNodeMarkup(at, undefined, { ...current().attrs, [key]: el.value }));
    });
    el.addEventListener('keydown', (e) => {
      if (e instanceof KeyboardEvent && (e.key === 'Enter' || e.key === 'Escape') && !e.shiftKey) {
        e.preventDefault();
        const at = pos();
        if (at !== undefined) editor.chain().focus().setTextSelection(at + current().nodeSize).run();
      }
    });
  }
  return {
    fill: () => {
      for (const [el, key] of fields) if (document.activeElement !== el && el.value !== current().attrs[key]) el.value = (current().attrs[key] as string | null) ?? '';
    },
    setEditable: () => {
      for (const [el] of fields) el.readOnly = !editor.isEditable;
    },
  };
}

export const Figure = Node.create({
  name: 'figure',
  group: 'block',
  atom: true,
  draggable: true,
  selectable: true,
  addAttributes() {
    const keys = ['mediaId', 'fileName', 'width', 'height', 'alt', 'caption', 'credit'];
    const defaults: Record<string, unknown> = { mediaId: null, fileName: '', width: null, height: null, alt: '', caption: '', credit: '' };
    return Object.fromEntries(keys.map((k) => [k, { default: defaults[k], rendered: false }]));
  },
  parseHTML() {
    return [
      {
        tag: 'figure[data-figure]',
        getAttrs: (el) => {
          try {
            return figureAttrs(JSON.parse((el as HTMLElement).dataset.figure ?? '{}') as Record<string, unknown>);
          } catch {
            return false;
          }
        },
      },
    ];
  },
  renderHTML({ node }) {
    const src = node.attrs.mediaId ? mediaUrlFor(node.attrs.mediaId as number) : null;
    return ['figure', { 'data-figure': JSON.stringify(node.attrs) }, ['img', { src: src ?? '', alt: node.attrs.alt as string }], ['figcaption', {}, `${node.attrs.caption as string} ${node.attrs.credit as string}`.trim()]];
  },
  addCommands() {
    return {
      insertFigure:
        (attrs) =>
        ({ chain }) =>
          chain().insertContent({ type: 'figure', attrs: figureAttrs(attrs) }).command(cursorAfterBlock).run(),
    };
  },
  addNodeView() {
    return ({ node: initial, editor, getPos }) => {
      let node: PMNodeType = initial;
      const dom = document.createElement('figure');
      dom.className = 'figure-node';
      dom.contentEditable = 'false';
      const img = document.createElement('img');
      img.alt = '';
      const cap = document.createElement('figcaption');
      const caption = field('textarea', t('editor.caption'), 'caption');
      const credit = field('input', t('editor.credit'), 'credit');
      const alt = field('input', t('editor.alt'), 'alt');
      cap.append(caption, credit, alt);
      dom.append(img, cap);
      const showImage = () => {
        const id = node.attrs.mediaId as number | null;
        const url = id ? mediaUrlFor(id, (u) => (img.src = u)) : null;
        if (url) img.src = url;
        img.width = (node.attrs.width as number | null) ?? 0;
        img.height = (node.attrs.height as number | null) ?? 0;
        img.alt = (node.attrs.alt as string) || '';
      };
      const fill = () => {
        for (const [el, key] of [
          [caption, 'caption'],
          [credit, 'credit'],
          [alt, 'alt'],
        ] as const) {
          if (document.activeElement !== el && el.value !== node.attrs[key]) el.value = (node.attrs[key] as string) ?? '';
        }
        showImage();
      };
      fill();
      const bind = (el: HTMLInputElement | HTMLTextAreaElement, key: string) => {
        el.addEventListener('input', () => {
          const pos = typeof getPos === 'function' ? getPos() : undefined;
          if (pos === undefined || !editor.isEditable) return;
          editor.view.dispatch(editor.view.state.tr.setNodeMarkup(pos, undefined, { ...node.attrs, [key]: el.value }));
        });
        el.addEventListener('keydown', (e) => {
          // Enter in a caption ends it: the cursor goes back to the story, after the figure.
          if (e instanceof KeyboardEvent && (e.key === 'Enter' || e.key === 'Escape') && !e.shiftKey) {
            e.preventDefault();
            const pos = typeof getPos === 'function' ? getPos() : undefined;
            if (pos !== undefined) editor.chain().focus().setTextSelection(pos + node.nodeSize).run();
          }
        });
      };
      bind(caption, 'caption');
      bind(credit, 'credit');
      bind(alt, 'alt');
      const setEditable = () => {
        for (const el of [caption, credit, alt]) el.readOnly = !editor.isEditable;
      };
      setEditable();
      return {
        dom,
        update: (updated) => {
          if (updated.type.name !== 'figure') return false;
          node = updated;
          fill();
          setEditable();
          return true;
        },
        stopEvent: (e) => e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement,
        ignoreMutation: () => true,
      };
    };
  },
});

export const Gallery = Node.create({
  name: 'gallery',
  group: 'block',
  content: 'figure+',
  draggable: true,
  parseHTML() {
    return [{ tag: 'div[data-gallery]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', mergeAttributes(HTMLAttributes, { 'data-gallery': '', class: 'gallery-node', role: 'group', 'aria-label': t('editor.gallery') }), 0];
  },
  addCommands() {
    return {
      insertGallery:
        (figures) =>
        ({ chain }) =>
          figures.length ? chain().insertContent({ type: 'gallery', content: figures.map((f) => ({ type: 'figure', attrs: figureAttrs(f) })) }).command(cursorAfterBlock).run() : false,
    };
  },
});

export const Embed = Node.create({
  name: 'embed',
  group: 'block',
  atom: true,
  draggable: true,
  addAttributes() {
    return { provider: { default: 'other', rendered: false }, url: { default: '', rendered: false }, title: { default: null, rendered: false } };
  },
  parseHTML() {
    return [
      {
        tag: 'div[data-embed]',
        getAttrs: (el) => {
          const url = (el as HTMLElement).dataset.embed ?? '';
          const provider = providerOf(url);
          return provider ? { url, provider } : false;
        },
      },
    ];
  },
  renderHTML({ node }) {
    return ['div', { 'data-embed': node.attrs.url as string, class: 'embed-node' }, t('editor.embedLabel', { provider: node.attrs.provider as string }) + ': ' + (node.attrs.url as string)];
  },
  addNodeView() {
    // The reader site names the video's player with this title ("Video: …"); without one it is just "Video".
    return ({ node: initial, editor, getPos }) => {
      let node: PMNodeType = initial;
      const dom = document.createElement('div');
      dom.className = 'embed-node';
      dom.contentEditable = 'false';
      const label = document.createElement('span');
      const title = field('input', t('editor.embedTitle'), 'embed-title');
      dom.append(label, title);
      const fields = bindFields(editor, getPos, () => node, [[title, 'title']]);
      const fill = () => {
        label.textContent = `${t('editor.embedLabel', { provider: node.attrs.provider as string })}: ${node.attrs.url as string}`;
        fields.fill();
        fields.setEditable();
      };
      fill();
      return {
        dom,
        update: (updated) => {
          if (updated.type.name !== 'embed') return false;
          node = updated;
          fill();
          return true;
        },
        stopEvent: (e) => e.target instanceof HTMLInputElement,
        ignoreMutation: () => true,
      };
    };
  },
  addCommands() {
    return {
      insertEmbed:
        (url) =>
        ({ chain }) => {
          const provider = providerOf(url.trim());
          return provider ? chain().insertContent({ type: 'embed', attrs: { provider, url: url.trim(), title: null } }).command(cursorAfterBlock).run() : false;
        },
    };
  },
});

export const Audio = Node.create({
  name: 'audio',
  group: 'block',
  atom: true,
  draggable: true,
  selectable: true,
  addAttributes() {
    const defaults: Record<string, unknown> = { mediaId: null, title: '', caption: '', credit: '' };
    return Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, { default: v, rendered: false }]));
  },
  parseHTML() {
    return [
      {
        tag: 'figure[data-audio]',
        getAttrs: (el) => {
          try {
            return audioAttrs(JSON.parse((el as HTMLElement).dataset.audio ?? '{}') as Record<string, unknown>) ?? false;
          } catch {
            return false;
          }
        },
      },
    ];
  },
  renderHTML({ node }) {
    return ['figure', { 'data-audio': JSON.stringify(node.attrs) }, ['figcaption', {}, [node.attrs.title, node.attrs.caption, node.attrs.credit].filter(Boolean).join(' · ')]];
  },
  addCommands() {
    return {
      insertAudio:
        (attrs) =>
        ({ chain }) => {
          const clean = audioAttrs(attrs);
          return clean ? chain().insertContent({ type: 'audio', attrs: clean }).command(cursorAfterBlock).run() : false;
        },
    };
  },
  addNodeView() {
    // A small card: what it is, a real player to listen before publishing, and the words readers see under it.
    return ({ node: initial, editor, getPos }) => {
      let node: PMNodeType = initial;
      const dom = document.createElement('figure');
      dom.className = 'figure-node audio-node';
      dom.contentEditable = 'false';
      const head = document.createElement('p');
      head.className = 'audio-node-head';
      const player = document.createElement('audio');
      player.controls = true;
      player.preload = 'metadata';
      player.style.width = '100%';
      const missing = document.createElement('p');
      missing.className = 'muted';
      missing.textContent = t('editor.audioMissing');
      missing.hidden = true;
      const cap = document.createElement('figcaption');
      const title = field('input', t('editor.audioTitle'), 'audio-title');
      const caption = field('textarea', t('editor.audioCaption'), 'caption');
      const credit = field('input', t('editor.audioCredit'), 'credit');
      cap.append(title, caption, credit);
      dom.append(head, player, missing, cap);
      const fields = bindFields(editor, getPos, () => node, [
        [title, 'title'],
        [caption, 'caption'],
        [credit, 'credit'],
      ]);
      let shownId: number | null = null;
      const showPlayer = () => {
        const id = node.attrs.mediaId as number | null;
        if (id === shownId) return;
        shownId = id;
        const play = (url: string) => {
          player.src = url;
          player.hidden = false;
          missing.hidden = true;
        };
        const gone = () => {
          player.hidden = true;
          missing.hidden = false;
        };
        player.hidden = true;
        missing.hidden = true;
        const url = id ? mediaUrlFor(id, play, gone) : null;
        if (url) play(url);
        else if (!id) gone();
      };
      const fill = () => {
        const name = (node.attrs.title as string) || (node.attrs.caption as string) || t('editor.audioLabel');
        head.textContent = `${t('editor.audioLabel')}: ${name}`;
        player.setAttribute('aria-label', t('editor.audioPreview', { title: name }));
        fields.fill();
        fields.setEditable();
        showPlayer();
      };
      fill();
      return {
        dom,
        update: (updated) => {
          if (updated.type.name !== 'audio') return false;
          node = updated;
          fill();
          return true;
        },
        // The player's own controls and the text fields keep their clicks and keys.
        stopEvent: (e) => e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLAudioElement,
        ignoreMutation: () => true,
      };
    };
  },
});

export const Box = Node.create({
  name: 'box',
  group: 'block',
  content: 'block+',
  defining: true,
  parseHTML() {
    return [{ tag: 'aside[data-box]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['aside', mergeAttributes(HTMLAttributes, { 'data-box': '', class: 'box-node' }), 0];
  },
  addCommands() {
    return {
      toggleBox:
        () =>
        ({ commands, editor }) =>
          editor.isActive('box') ? commands.lift('box') : commands.wrapIn('box'),
    };
  },
  addKeyboardShortcuts() {
    return { 'Mod-Alt-b': () => this.editor.commands.toggleBox() };
  },
});

export type { Editor };
