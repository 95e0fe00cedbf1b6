import type { JsonValue } from '@tfrl/core';

/**
 * A form with one input per config field, typed by the field's default: numbers, booleans
 * (checkbox), strings, and JSON for the rest (arrays, objects, null).
 */
export function buildConfigForm(container: HTMLElement, defaults: Record<string, JsonValue>): void {
  container.replaceChildren();
  for (const [field, value] of Object.entries(defaults)) {
    if (field === 'seed') continue; // the seed has its own input
    const label = document.createElement('label');
    label.className = 'field';
    const name = document.createElement('span');
    name.textContent = field;
    const input = document.createElement('input');
    input.name = field;
    input.dataset['kind'] = typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : typeof value === 'string' ? 'string' : 'json';
    if (typeof value === 'boolean') {
      input.type = 'checkbox';
      input.checked = value;
    } else if (typeof value === 'number') {
      input.type = 'text';
      input.inputMode = 'decimal';
      input.value = String(value);
    } else {
      input.type = 'text';
      input.value = typeof value === 'string' ? value : JSON.stringify(value);
    }
    label.append(name, input);
    container.append(label);
  }
}

/**
 * The fields whose value differs from the default, parsed. Throws an Error naming the first
 * field that does not parse (a number that is not one, JSON that is not JSON); range checks
 * are the algorithm's config validation, in the worker.
 */
export function readConfigForm(container: HTMLElement, defaults: Record<string, JsonValue>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const input of container.querySelectorAll<HTMLInputElement>('input[name]')) {
    const field = input.name;
    let value: JsonValue;
    switch (input.dataset['kind']) {
      case 'boolean':
        value = input.checked;
        break;
      case 'number': {
        const text = input.value.trim();
        const number = text === '' ? Number.NaN : Number(text);
        if (!Number.isFinite(number)) throw new Error(`${field} must be a number, got '${input.value}'`);
        value = number;
        break;
      }
      case 'string':
        value = input.value;
        break;
      default:
        try {
          value = JSON.parse(input.value) as JsonValue;
        } catch {
          throw new Error(`${field} must be JSON (e.g. ${JSON.stringify(defaults[field])}), got '${input.value}'`);
        }
    }
    if (JSON.stringify(value) !== JSON.stringify(defaults[field])) out[field] = value;
  }
  return out;
}
