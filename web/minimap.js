// A live top-down map of a positional channel: you (with your heading) in the middle, the
// others around you (speaking ones ringed, those you cannot hear dimmed) and the circle within
// which you hear people. North is up. Drag to move yourself, or focus the map and use the
// arrow keys (Shift: bigger steps) to move and Q / E to turn.
//
// Knows nothing about the protocol: it draws the model it is given (update()) and reports
// moves through onMove({x, y, yaw}). It redraws only when what it shows changed, and at most
// ~15 times a second, so a quiet map costs nothing.

const MIN_FRAME_MS = 66;
const STEP_M = 1;
const BIG_STEP_M = 5;
const TURN_RAD = Math.PI / 12; // 15°
const VIEW_MARGIN = 1.3; // the view reaches 30 % beyond the audible circle
const MIN_HALF_VIEW_M = 5;

export class MiniMap {
  // canvas: a <canvas> (sized by CSS); summary: an element that gets a text description of
  // the map for screen readers.
  constructor(canvas, { summary = null, onMove = () => {} } = {}) {
    this.canvas = canvas;
    this.summary = summary;
    this.onMove = onMove;
    this.model = null;
    this._key = '';
    this._timer = 0;
    this._lastDraw = -Infinity;
    this._drag = null; // {centre} while the pointer drags us: the view holds still meanwhile
    this._size = 0;
    this._dpr = 1;

    this._onPointerDown = (e) => this._pointerDown(e);
    this._onPointerMove = (e) => this._pointerMove(e);
    this._onPointerUp = (e) => this._pointerUp(e);
    this._onKey = (e) => this._keyDown(e);
    canvas.addEventListener('pointerdown', this._onPointerDown);
    canvas.addEventListener('pointermove', this._onPointerMove);
    canvas.addEventListener('pointerup', this._onPointerUp);
    canvas.addEventListener('pointercancel', this._onPointerUp);
    canvas.addEventListener('keydown', this._onKey);
    this._resize = new ResizeObserver(() => this._schedule(true));
    this._resize.observe(canvas);
  }

  // model: {self: {position, name, speaking}, others: [{member, name, position, speaking,
  // audible}], range (metres), draggable}. Positions {x, y, z, yaw} or null (not known yet).
  update(model) {
    this.model = model;
    this._schedule(false);
  }

  destroy() {
    clearTimeout(this._timer);
    this._resize.disconnect();
    const c = this.canvas;
    c.removeEventListener('pointerdown', this._onPointerDown);
    c.removeEventListener('pointermove', this._onPointerMove);
    c.removeEventListener('pointerup', this._onPointerUp);
    c.removeEventListener('pointercancel', this._onPointerUp);
    c.removeEventListener('keydown', this._onKey);
  }

  // ── drawing ──

  _schedule(force) {
    if (force) this._key = '';
    if (this._timer) return;
    const wait = Math.max(0, this._lastDraw + MIN_FRAME_MS - performance.now());
    this._timer = setTimeout(() => {
      this._timer = 0;
      requestAnimationFrame(() => this._draw());
    }, wait);
  }

  _draw() {
    const m = this.model;
    const c = this.canvas;
    if (!m || !c.isConnected || c.clientWidth === 0) return;
    const size = c.clientWidth;
    const dpr = window.devicePixelRatio || 1;
    const key = fingerprint(m, size, dpr, this._drag);
    if (key === this._key) return;
    this._key = key;
    this._lastDraw = performance.now();
    if (size !== this._size || dpr !== this._dpr) {
      c.width = Math.round(size * dpr);
      c.height = Math.round(size * dpr);
      this._size = size;
      this._dpr = dpr;
    }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const colours = palette(c);
    const view = this._view();
    g.clearRect(0, 0, size, size);
    g.fillStyle = colours.surface2;
    g.fillRect(0, 0, size, size);
    if (!view) return this._describe(null);

    drawGrid(g, view, colours);

    const me = m.self.position;
    const centre = view.toScreen(me);
    // The circle within which we hear people (and they hear us).
    g.beginPath();
    g.arc(centre.x, centre.y, m.range * view.scale, 0, 2 * Math.PI);
    g.fillStyle = colours.accentSoft;
    g.globalAlpha = 0.55;
    g.fill();
    g.globalAlpha = 1;
    g.setLineDash([5, 4]);
    g.strokeStyle = colours.accent;
    g.lineWidth = 1.5;
    g.stroke();
    g.setLineDash([]);

    for (const o of m.others) {
      if (!o.position) continue;
      const p = view.toScreen(o.position);
      const inside = p.x >= 0 && p.x <= size && p.y >= 0 && p.y <= size;
      const at = inside ? p : clampToEdge(p, size, 9);
      g.globalAlpha = o.audible ? 1 : 0.35;
      if (o.speaking && o.audible) {
        g.beginPath();
        g.arc(at.x, at.y, 12, 0, 2 * Math.PI);
        g.fillStyle = colours.speakSoft;
        g.fill();
        g.strokeStyle = colours.speak;
        g.lineWidth = 2;
        g.stroke();
      }
      g.beginPath();
      g.arc(at.x, at.y, inside ? 7 : 5, 0, 2 * Math.PI);
      g.fillStyle = inside ? colours.text : colours.surface;
      g.fill();
      g.strokeStyle = colours.text;
      g.lineWidth = 1.5;
      g.stroke();
      label(g, o.name, at, size, colours);
      g.globalAlpha = 1;
    }

    // Ourselves on top: a dot with a wedge pointing where we face.
    const yaw = me.yaw ?? 0;
    const dir = { x: Math.cos(yaw), y: -Math.sin(yaw) }; // screen y points south
    g.beginPath();
    g.moveTo(centre.x + dir.x * 22, centre.y + dir.y * 22);
    g.lineTo(centre.x - dir.y * 6 + dir.x * 7, centre.y + dir.x * 6 + dir.y * 7);
    g.lineTo(centre.x + dir.y * 6 + dir.x * 7, centre.y - dir.x * 6 + dir.y * 7);
    g.closePath();
    g.fillStyle = colours.accent;
    g.fill();
    g.beginPath();
    g.arc(centre.x, centre.y, 8, 0, 2 * Math.PI);
    g.fillStyle = colours.accent;
    g.fill();
    g.strokeStyle = m.self.speaking ? colours.speak : colours.surface;
    g.lineWidth = m.self.speaking ? 3 : 2;
    g.stroke();

    // North marker and scale.
    g.fillStyle = colours.muted;
    g.font = '600 11px system-ui, sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'top';
    g.fillText('N ↑', size - 18, 6);
    g.textAlign = 'left';
    g.textBaseline = 'bottom';
    g.fillText(`${formatMetres(view.gridStep)} grid`, 6, size - 5);
    this._describe(view);
  }

  // Screen geometry for the current model, or null when we have no position yet.
  _view() {
    const m = this.model;
    if (!m?.self?.position) return null;
    const size = this._size || this.canvas.clientWidth;
    const half = Math.max(MIN_HALF_VIEW_M, (m.range || 0) * VIEW_MARGIN);
    const scale = size / 2 / half;
    const centre = this._drag?.centre ?? m.self.position;
    return {
      size, scale, half, centre,
      gridStep: gridStep(scale),
      toScreen: (p) => ({ x: size / 2 + (p.x - centre.x) * scale, y: size / 2 - (p.y - centre.y) * scale }),
      toWorld: (sx, sy) => ({ x: centre.x + (sx - size / 2) / scale, y: centre.y - (sy - size / 2) / scale }),
    };
  }

  _describe(view) {
    if (!this.summary) return;
    const m = this.model;
    if (!view) {
      this.summary.textContent = 'Your position is not known yet.';
      return;
    }
    const me = m.self.position;
    const lines = [`You face ${compass(me.yaw ?? 0)}. People within ${Math.round(m.range)} m hear you.`];
    for (const o of m.others) {
      if (!o.position) {
        lines.push(`${o.name}: position not known yet.`);
        continue;
      }
      const dx = o.position.x - me.x, dy = o.position.y - me.y;
      const d = Math.hypot(dx, dy, (o.position.z ?? 0) - (me.z ?? 0));
      lines.push(`${o.name}: ${Math.round(d)} m ${compass(Math.atan2(dy, dx))}, ${o.audible ? 'in range' : 'out of range'}${o.speaking ? ', speaking' : ''}.`);
    }
    const text = lines.join(' ');
    if (this.summary.textContent !== text) this.summary.textContent = text;
  }

  // ── moving ──

  _pointerDown(e) {
    if (!this.model?.draggable || e.button !== 0) return;
    const view = this._view();
    if (!view) return;
    e.preventDefault();
    this.canvas.setPointerCapture?.(e.pointerId);
    this.canvas.focus({ preventScroll: true });
    this._drag = { centre: { ...view.centre }, pointerId: e.pointerId };
    this._moveTo(e, view);
  }

  _pointerMove(e) {
    if (!this._drag || e.pointerId !== this._drag.pointerId) return;
    const view = this._view();
    if (view) this._moveTo(e, view);
  }

  _pointerUp(e) {
    if (!this._drag || e.pointerId !== this._drag.pointerId) return;
    this._drag = null;
    this._schedule(true); // re-centre on where we ended up
  }

  _moveTo(e, view) {
    const o = this._origin();
    const w = view.toWorld(e.clientX - o.x, e.clientY - o.y);
    this.onMove({ x: w.x, y: w.y });
  }

  // The drawing's top-left corner in viewport CSS pixels: inside the canvas' border, where
  // the map's screen coordinates start.
  _origin() {
    const rect = this.canvas.getBoundingClientRect();
    return { x: rect.left + this.canvas.clientLeft, y: rect.top + this.canvas.clientTop };
  }

  // Where the region point {x, y} is on the map now, in viewport CSS pixels (a pointer event's
  // clientX / clientY there), by the geometry that drawing and dragging use; null while the map
  // shows nothing. For tests (window.webvox.mapPoint): pressing there hits what is drawn there.
  clientPoint(p) {
    const view = this._view();
    if (!view || !this.canvas.isConnected || this.canvas.clientWidth === 0) return null;
    const o = this._origin();
    const s = view.toScreen(p);
    return { x: o.x + s.x, y: o.y + s.y };
  }

  _keyDown(e) {
    const me = this.model?.self?.position;
    if (!me || !this.model.draggable || e.ctrlKey || e.metaKey || e.altKey) return;
    const step = e.shiftKey ? BIG_STEP_M : STEP_M;
    const moves = {
      ArrowUp: { x: me.x, y: me.y + step },
      ArrowDown: { x: me.x, y: me.y - step },
      ArrowLeft: { x: me.x - step, y: me.y },
      ArrowRight: { x: me.x + step, y: me.y },
    };
    let next = moves[e.key];
    if (!next && (e.key === 'q' || e.key === 'Q')) next = { yaw: (me.yaw ?? 0) + TURN_RAD };
    if (!next && (e.key === 'e' || e.key === 'E')) next = { yaw: (me.yaw ?? 0) - TURN_RAD };
    if (!next) return;
    e.preventDefault(); // arrows would scroll the page
    this.onMove(next);
  }
}

function fingerprint(m, size, dpr, drag) {
  const p = (q) => (q ? `${q.x.toFixed(2)},${q.y.toFixed(2)},${(q.yaw ?? 0).toFixed(3)}` : '-');
  const parts = [size, dpr, drag ? p(drag.centre) : '', m.range, m.draggable, p(m.self.position), m.self.speaking];
  for (const o of m.others) parts.push(`${o.member}:${o.name}:${p(o.position)}:${o.speaking}:${o.audible}`);
  return parts.join('|');
}

function palette(el) {
  const s = getComputedStyle(el);
  const v = (name, fallback) => s.getPropertyValue(name).trim() || fallback;
  return {
    surface: v('--surface', '#fff'),
    surface2: v('--surface-2', '#f0f1f6'),
    border: v('--border', '#dfe1ea'),
    text: v('--text', '#1b1d29'),
    muted: v('--muted', '#5f6478'),
    accent: v('--accent', '#5b5bd6'),
    accentSoft: v('--accent-soft', '#ebebfd'),
    speak: v('--speak', '#12a594'),
    speakSoft: v('--speak-soft', 'rgba(18,165,148,0.18)'),
  };
}

// The smallest of 1, 2, 5, 10, 20, 50… metres that keeps grid lines at least 28 px apart.
function gridStep(scale) {
  for (let decade = 1; ; decade *= 10) {
    for (const f of [1, 2, 5]) if (f * decade * scale >= 28) return f * decade;
  }
}

function drawGrid(g, view, colours) {
  const { size, centre, gridStep: step } = view;
  g.strokeStyle = colours.border;
  g.lineWidth = 1;
  g.beginPath();
  const left = view.toWorld(0, 0);
  const right = view.toWorld(size, size);
  for (let x = Math.ceil(left.x / step) * step; x <= right.x; x += step) {
    const sx = Math.round(view.toScreen({ x, y: centre.y }).x) + 0.5;
    g.moveTo(sx, 0);
    g.lineTo(sx, size);
  }
  for (let y = Math.ceil(right.y / step) * step; y <= left.y; y += step) {
    const sy = Math.round(view.toScreen({ x: centre.x, y }).y) + 0.5;
    g.moveTo(0, sy);
    g.lineTo(size, sy);
  }
  g.stroke();
}

function clampToEdge(p, size, inset) {
  // Along the line from the centre, so the marker still points the right way.
  const c = size / 2;
  const dx = p.x - c, dy = p.y - c;
  const k = (c - inset) / Math.max(Math.abs(dx), Math.abs(dy));
  return { x: c + dx * k, y: c + dy * k };
}

function label(g, text, at, size, colours) {
  if (!text) return;
  g.font = '600 11px system-ui, sans-serif';
  g.textBaseline = 'middle';
  const w = g.measureText(text).width;
  const right = at.x + 12 + w <= size;
  g.textAlign = right ? 'left' : 'right';
  const x = right ? at.x + 11 : at.x - 11;
  g.lineWidth = 3;
  g.strokeStyle = colours.surface2;
  g.strokeText(text, x, at.y);
  g.fillStyle = colours.text;
  g.fillText(text, x, at.y);
}

function formatMetres(m) {
  return `${m} m`;
}

const COMPASS = ['east', 'north-east', 'north', 'north-west', 'west', 'south-west', 'south', 'south-east'];
function compass(radians) {
  const i = Math.round(radians / (Math.PI / 4));
  return COMPASS[((i % 8) + 8) % 8];
}
