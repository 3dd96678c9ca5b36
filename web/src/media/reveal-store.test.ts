import { describe, expect, it } from 'vitest';
import { createRevealStore, hideOnLeave } from './reveal-store.js';

describe('reveal store', () => {
  it('reveals one item at a time: revealing another re-blurs the first', () => {
    const store = createRevealStore();
    expect(store.current()).toBeNull();
    store.reveal('a');
    expect(store.current()).toBe('a');
    store.reveal('b');
    expect(store.current()).toBe('b');
  });

  it('ignores a hide from an item that is not the revealed one', () => {
    const store = createRevealStore();
    store.reveal('b');
    store.hide('a');
    expect(store.current()).toBe('b');
    store.hide('b');
    expect(store.current()).toBeNull();
  });

  it('notifies subscribers on change only, and stops after unsubscribe', () => {
    const store = createRevealStore();
    let calls = 0;
    const off = store.subscribe(() => calls++);
    store.reveal('a');
    store.reveal('a');
    store.hideAll();
    expect(calls).toBe(2);
    off();
    store.reveal('b');
    expect(calls).toBe(2);
  });

  it('re-blurs on window blur, page hide and a hidden tab, and not on becoming visible', () => {
    const store = createRevealStore();
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const uninstall = hideOnLeave(store, { window: win, document: doc });

    store.reveal('a');
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(store.current()).toBe('a');
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(store.current()).toBeNull();

    store.reveal('a');
    win.dispatchEvent(new Event('blur'));
    expect(store.current()).toBeNull();

    store.reveal('a');
    win.dispatchEvent(new Event('pagehide'));
    expect(store.current()).toBeNull();

    uninstall();
    store.reveal('a');
    win.dispatchEvent(new Event('blur'));
    expect(store.current()).toBe('a');
  });
});
