import type { Frame } from './protocol.js';

type Ctx = CanvasRenderingContext2D;

const INK = '#1f2937';
const ACCENT = '#2563eb';

/** Draws one frame of `frame.env` onto the canvas (CartPole, Pendulum, Acrobot, MountainCar, GridWorld). */
export function drawFrame(canvas: HTMLCanvasElement, frame: Frame): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const o = frame.observation;
  if (frame.env.startsWith('CartPole')) drawCartPole(ctx, width, height, o[0]!, o[2]!);
  else if (frame.env.startsWith('Pendulum')) drawPendulum(ctx, width, height, Math.atan2(o[1]!, o[0]!));
  else if (frame.env.startsWith('Acrobot')) drawAcrobot(ctx, width, height, Math.atan2(o[1]!, o[0]!), Math.atan2(o[3]!, o[2]!));
  else if (frame.env.startsWith('MountainCar')) drawMountainCar(ctx, width, height, o[0]!);
  else if (frame.env.startsWith('GridWorld')) drawGridWorld(ctx, width, height, o.indexOf(1), frame.grid);
}

function drawCartPole(ctx: Ctx, width: number, height: number, x: number, theta: number): void {
  const scale = width / 4.8; // the track spans x ∈ [−2.4, 2.4]
  const trackY = height * 0.7;
  ctx.strokeStyle = INK;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(0, trackY);
  ctx.lineTo(width, trackY);
  ctx.stroke();
  const cartX = width / 2 + x * scale;
  const cartW = 50;
  const cartH = 30;
  ctx.fillStyle = INK;
  ctx.fillRect(cartX - cartW / 2, trackY - cartH / 2, cartW, cartH);
  const poleLength = scale * 1.0; // 2 × the half-length 0.5
  ctx.strokeStyle = '#ca9865';
  ctx.lineWidth = 10;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(cartX, trackY - cartH / 4);
  ctx.lineTo(cartX + poleLength * Math.sin(theta), trackY - cartH / 4 - poleLength * Math.cos(theta));
  ctx.stroke();
  ctx.fillStyle = '#818ccc';
  ctx.beginPath();
  ctx.arc(cartX, trackY - cartH / 4, 5, 0, 2 * Math.PI);
  ctx.fill();
}

function drawPendulum(ctx: Ctx, width: number, height: number, theta: number): void {
  const cx = width / 2;
  const cy = height / 2;
  const length = Math.min(width, height) * 0.38;
  ctx.strokeStyle = '#cc4d4d';
  ctx.lineWidth = 14;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(cx, cy);
  ctx.lineTo(cx + length * Math.sin(theta), cy - length * Math.cos(theta)); // θ = 0 is upright
  ctx.stroke();
  ctx.fillStyle = INK;
  ctx.beginPath();
  ctx.arc(cx, cy, 6, 0, 2 * Math.PI);
  ctx.fill();
}

function drawAcrobot(ctx: Ctx, width: number, height: number, theta1: number, theta2: number): void {
  const scale = Math.min(width, height) / 4.6;
  const cx = width / 2;
  const cy = height / 2;
  // θ1 = 0 hangs straight down; link 2 is at θ1 + θ2; the goal is the tip above height 1.
  const p1 = [cx + scale * Math.sin(theta1), cy + scale * Math.cos(theta1)] as const;
  const p2 = [p1[0] + scale * Math.sin(theta1 + theta2), p1[1] + scale * Math.cos(theta1 + theta2)] as const;
  ctx.strokeStyle = '#9ca3af';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, cy - scale);
  ctx.lineTo(width, cy - scale);
  ctx.stroke();
  ctx.strokeStyle = '#00cccc';
  ctx.lineWidth = 10;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(cx, cy);
  ctx.lineTo(p1[0], p1[1]);
  ctx.lineTo(p2[0], p2[1]);
  ctx.stroke();
  ctx.fillStyle = INK;
  for (const [x, y] of [[cx, cy], p1]) {
    ctx.beginPath();
    ctx.arc(x!, y!, 5, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function drawMountainCar(ctx: Ctx, width: number, height: number, position: number): void {
  const minX = -1.2;
  const maxX = 0.6;
  const hill = (x: number) => Math.sin(3 * x) * 0.45 + 0.55;
  const sx = (x: number) => ((x - minX) / (maxX - minX)) * width;
  const sy = (y: number) => height - 20 - y * (height - 60);
  ctx.strokeStyle = INK;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let i = 0; i <= 100; i++) {
    const x = minX + ((maxX - minX) * i) / 100;
    if (i === 0) ctx.moveTo(sx(x), sy(hill(x)));
    else ctx.lineTo(sx(x), sy(hill(x)));
  }
  ctx.stroke();
  const flagX = sx(0.5);
  const flagY = sy(hill(0.5));
  ctx.beginPath();
  ctx.moveTo(flagX, flagY);
  ctx.lineTo(flagX, flagY - 40);
  ctx.stroke();
  ctx.fillStyle = '#eab308';
  ctx.fillRect(flagX, flagY - 40, 22, 12);
  const angle = Math.atan(Math.cos(3 * position) * 3 * 0.45 * ((height - 60) / (width / (maxX - minX))));
  ctx.save();
  ctx.translate(sx(position), sy(hill(position)));
  ctx.rotate(-angle);
  ctx.fillStyle = ACCENT;
  ctx.fillRect(-20, -22, 40, 16);
  ctx.fillStyle = INK;
  for (const wheel of [-12, 12]) {
    ctx.beginPath();
    ctx.arc(wheel, -5, 5, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.restore();
}

const GRID_ROWS = 3;
const GRID_COLS = 4;
const WALL = 5;
const GOAL = 3;
const BOMB = 7;
const ARROWS = ['↑', '↓', '←', '→'];

function drawGridWorld(ctx: Ctx, width: number, height: number, agentState: number, grid: Frame['grid']): void {
  const cell = Math.min(width / GRID_COLS, height / GRID_ROWS);
  const finite = grid?.values.filter((v, s) => Number.isFinite(v) && s !== WALL) ?? [];
  const lo = finite.length > 0 ? Math.min(...finite) : 0;
  const hi = finite.length > 0 ? Math.max(...finite) : 1;
  ctx.font = `${Math.round(cell / 4)}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let s = 0; s < GRID_ROWS * GRID_COLS; s++) {
    const x = (s % GRID_COLS) * cell;
    const y = Math.floor(s / GRID_COLS) * cell;
    let fill = '#f3f4f6';
    if (s === WALL) fill = '#374151';
    else if (s === GOAL) fill = '#bbf7d0';
    else if (s === BOMB) fill = '#fecaca';
    else if (grid !== undefined && Number.isFinite(grid.values[s]!)) {
      const t = (grid.values[s]! - lo) / (hi - lo || 1); // heat-map: blue (low) → orange (high)
      fill = `rgb(${Math.round(80 + 170 * t)}, ${Math.round(140 + 40 * t)}, ${Math.round(230 - 170 * t)})`;
    }
    ctx.fillStyle = fill;
    ctx.fillRect(x + 1, y + 1, cell - 2, cell - 2);
    ctx.fillStyle = INK;
    if (s === GOAL) ctx.fillText('+1', x + cell / 2, y + cell / 2);
    else if (s === BOMB) ctx.fillText('−1', x + cell / 2, y + cell / 2);
    else if (s !== WALL && grid !== undefined) {
      ctx.fillText(ARROWS[grid.actions[s]!] ?? '?', x + cell / 2, y + cell / 2 - cell / 8);
      ctx.font = `${Math.round(cell / 7)}px sans-serif`;
      if (Number.isFinite(grid.values[s]!)) ctx.fillText(grid.values[s]!.toFixed(2), x + cell / 2, y + cell * 0.78);
      ctx.font = `${Math.round(cell / 4)}px sans-serif`;
    }
  }
  if (agentState >= 0) {
    ctx.strokeStyle = ACCENT;
    ctx.lineWidth = 4;
    ctx.beginPath();
    ctx.arc((agentState % GRID_COLS) * cell + cell / 2, Math.floor(agentState / GRID_COLS) * cell + cell / 2, cell / 3, 0, 2 * Math.PI);
    ctx.stroke();
  }
}
