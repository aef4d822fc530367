// Sections: label and energy level. Click to select, double-click to rename (the name is saved as an
// analysis override the song then uses).
import {el, makeLane, perFrame, redrawOn, seekOnClick} from '../dom.js';

const HEIGHT = 34;
const LEVEL_ALPHA = {low: 0.22, mid: 0.42, medium: 0.42, high: 0.68};

export function mount(container, ctx) {
  const {body} = makeLane(container, {id: 'sections', title: 'sections', height: HEIGHT,
    subtitle: 'double-click: rename'});

  const render = perFrame(() => {
    const {view} = ctx;
    const items = [];
    ctx.store.doc.sections.forEach((section, index) => {
      if (section.end < view.start || section.start > view.end) return;
      const left = view.x(section.start), width = (section.end - section.start) * view.pxPerSec;
      const alpha = LEVEL_ALPHA[section.level] ?? 0.4;
      const selected = ctx.selection.kind === 'section' && ctx.selection.key === index;
      items.push(el('div', {
        class: `section${selected ? ' selected' : ''}`,
        dataset: {testid: 'section', index: String(index)},
        title: `${section.label} · ${section.level} energy (${section.energy.toFixed(2)})`,
        // the label stays in sight while the section's start is scrolled off to the left
        style: {left: `${left}px`, width: `${Math.max(1, width - 1)}px`, paddingLeft: `${6 + Math.max(0, -left)}px`,
          background: `rgba(126, 104, 214, ${alpha})`},
      }, el('span', {class: 'section-label'}, section.label),
      el('span', {class: 'section-level'}, section.level)));
    });
    body.replaceChildren(...items);
  });
  redrawOn(ctx, ['sections'], render);

  const indexAt = (event) => {
    const node = event.target.closest('.section');
    return node ? Number(node.dataset.index) : -1;
  };
  body.addEventListener('pointerdown', (event) => {
    const index = indexAt(event);
    seekOnClick(ctx, body, event, () => { if (index >= 0) ctx.select('section', index); });
  });
  body.addEventListener('dblclick', (event) => {
    const index = indexAt(event);
    if (index < 0) return;
    ctx.select('section', index);
    ctx.focusInspector();
  });
}

/** The inspector for one section: its label, and its level and energy as the analysis heard them. */
export function inspect(ctx, index) {
  const section = ctx.store.doc.sections[index];
  if (!section) return null;
  const input = el('input', {type: 'text', value: section.label, dataset: {testid: 'section-label'},
    oninput: () => ctx.store.edit('rename a section', ['sections'], (doc) => { doc.sections[index].label = input.value.trim() || section.label; },
      {mergeKey: `section:${index}`})});
  return el('div', {class: 'inspect'},
    el('h3', {}, `Section ${index + 1}`),
    el('label', {}, 'label', input),
    el('p', {class: 'muted'}, `${section.start.toFixed(2)} – ${section.end.toFixed(2)} s · ${section.level} energy `
      + `(${section.energy.toFixed(2)})${section.group ? ` · group ${section.group}` : ''}`));
}
