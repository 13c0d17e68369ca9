import { describe, expect, it } from 'vitest';
import { createNavigation, type NavigationWindow } from '../../../renderer/src/model/navigation';
import { routeTableOf } from '../../../renderer/src/model/route';

const TABLE = routeTableOf([
  { id: 'overview', subjects: [] },
  { id: 'topology', subjects: [{ kind: 'node', drawer: true }] },
  { id: 'services', subjects: [{ kind: 'service', drawer: false }] },
]);

/**
 * A browser's session history reduced to what navigation uses: entries with a URL and a state,
 * hashchange on following a link (a new entry) and on back/forward, and reload (same entry,
 * state kept, a new page reading it).
 */
class FakeBrowser {
  entries: Array<{ hash: string; state: unknown }> = [];
  index = -1;
  private listeners = new Set<() => void>();

  constructor(hash: string) {
    this.entries.push({ hash, state: null });
    this.index = 0;
  }

  window(): NavigationWindow {
    const browser = this;
    return {
      location: {
        get hash() {
          return browser.entries[browser.index].hash;
        },
        set hash(value: string) {
          browser.follow(`#${value.replace(/^#/, '')}`);
        },
        get href() {
          return `http://127.0.0.1:1/${browser.entries[browser.index].hash}`;
        },
      },
      history: {
        get state() {
          return browser.entries[browser.index].state;
        },
        replaceState(data: unknown) {
          browser.entries[browser.index].state = structuredClone(data);
        },
      },
      addEventListener: (_t, l) => void this.listeners.add(l),
      removeEventListener: (_t, l) => void this.listeners.delete(l),
    };
  }

  /** A click on a link, a typed URL: a new entry, forward history dropped. */
  follow(hash: string): void {
    if (hash === this.entries[this.index].hash) return;
    this.entries = this.entries.slice(0, this.index + 1);
    this.entries.push({ hash, state: null });
    this.index++;
    this.fire();
  }

  back(): void {
    this.index--;
    this.fire();
  }

  forward(): void {
    this.index++;
    this.fire();
  }

  private fire(): void {
    for (const l of [...this.listeners]) l();
  }
}

describe('createNavigation', () => {
  it('shows the hash’s view, and follows links with a notification', () => {
    const browser = new FakeBrowser('#/topology');
    const nav = createNavigation(browser.window(), TABLE);
    expect(nav.current()).toEqual({ route: { view: 'topology', subject: null }, view: 'topology' });
    let notified = 0;
    nav.subscribe(() => notified++);
    nav.go('#/services');
    expect(nav.current().view).toBe('services');
    expect(notified).toBe(1);
    expect(browser.entries.map((e) => e.hash)).toEqual(['#/topology', '#/services']);
  });

  it('opens a node drawer over the view it was opened from; back, forward and reload show the same again', () => {
    const browser = new FakeBrowser('#/overview');
    const nav = createNavigation(browser.window(), TABLE);
    nav.go('#/node/gpu-1');
    expect(nav.current()).toEqual({ route: { view: 'topology', subject: { kind: 'node', name: 'gpu-1' } }, view: 'overview' });

    nav.go('#/services');
    browser.back();
    expect(nav.current().view).toBe('overview');
    expect(nav.current().route.subject).toEqual({ kind: 'node', name: 'gpu-1' });
    browser.back();
    expect(nav.current()).toEqual({ route: { view: 'overview', subject: null }, view: 'overview' });
    browser.forward();
    expect(nav.current().view).toBe('overview');

    // A reload: a new page on the same entry reads the stamp the old one left.
    nav.dispose();
    const reloaded = createNavigation(browser.window(), TABLE);
    expect(reloaded.current()).toEqual({ route: { view: 'topology', subject: { kind: 'node', name: 'gpu-1' } }, view: 'overview' });
  });

  it('opens a pasted drawer link (no history of its own) over the subject’s home view', () => {
    const browser = new FakeBrowser('#/node/gpu-1');
    const nav = createNavigation(browser.window(), TABLE);
    expect(nav.current().view).toBe('topology');
    expect(browser.entries[0].state).toEqual({ fleetops: { openedFrom: null } });
  });

  it('keeps whatever else the page kept in the entry’s state', () => {
    const browser = new FakeBrowser('#/overview');
    browser.entries[0].state = { other: 1 };
    createNavigation(browser.window(), TABLE);
    expect(browser.entries[0].state).toEqual({ other: 1, fleetops: { openedFrom: null } });
  });

  it('does not notify when the screen stays the same, and stops listening once disposed', () => {
    const browser = new FakeBrowser('#/');
    const nav = createNavigation(browser.window(), TABLE);
    let notified = 0;
    nav.subscribe(() => notified++);
    // `#/overview` is the same screen as `#/`.
    nav.go('#/overview');
    expect(notified).toBe(0);
    const before = nav.current();
    nav.dispose();
    browser.follow('#/services');
    expect(nav.current()).toBe(before);
  });
});
