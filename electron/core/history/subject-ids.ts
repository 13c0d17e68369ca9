/**
 * The history's subjects: history_subjects maps (kind, name) to the integer id the other tables
 * key on. Remembered per process, so a reading costs no lookup; a subject gets its id when it is
 * first written, inside the flush's transaction, and loses it again if that transaction rolls back.
 */
import type Database from 'better-sqlite3';
import { SUBJECT_KIND_CODE, SUBJECT_LAYOUT, type Layout, type SubjectKind } from './layout';

export interface Subject {
  kind: SubjectKind;
  name: string;
  layout: Layout;
  id: number | null;
}

/** The key of a subject in the maps of the writer and of SubjectIds. */
export function subjectKey(kind: SubjectKind, name: string): string {
  return `${SUBJECT_KIND_CODE[kind]}\u0000${name}`;
}

export class SubjectIds {
  private readonly known = new Map<string, Subject>();
  /** Subjects given an id by the transaction in progress: if it rolls back, so do their ids. */
  private assigned: Subject[] = [];
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO history_subjects (kind, name) VALUES (?, ?)');
    this.select = db.prepare('SELECT id FROM history_subjects WHERE kind = ? AND name = ?').pluck();
  }

  /** The subject of a reading, remembered from now on (its id comes with its first write). */
  of(kind: SubjectKind, name: string): Subject {
    const k = subjectKey(kind, name);
    let s = this.known.get(k);
    if (!s) this.known.set(k, (s = { kind, name, layout: SUBJECT_LAYOUT[kind], id: null }));
    return s;
  }

  /** A subject remembered by of(): one with readings or rollups not written yet. */
  byKey(key: string): Subject {
    return this.known.get(key)!;
  }

  /**
   * The subject a query names, its id null when the history has never written it. Not
   * remembered unless it exists: a client asking for made-up names must not grow the map.
   */
  find(kind: SubjectKind, name: string): Subject {
    const k = subjectKey(kind, name);
    const subject = this.known.get(k) ?? { kind, name, layout: SUBJECT_LAYOUT[kind], id: null };
    const id = subject.id ?? this.lookup(subject);
    if (id !== null) this.known.set(k, subject);
    return subject;
  }

  /** The subject's id, given one now (in the caller's transaction) when it has none. */
  idOf(s: Subject): number {
    if (s.id !== null) return s.id;
    this.insert.run(SUBJECT_KIND_CODE[s.kind], s.name);
    this.assigned.push(s);
    return this.lookup(s)!;
  }

  /** A transaction begins: the ids idOf gives from now on are taken back by rollback(). */
  begin(): void {
    this.assigned = [];
  }

  rollback(): void {
    for (const s of this.assigned) s.id = null;
  }

  private lookup(s: Subject): number | null {
    const id = this.select.get(SUBJECT_KIND_CODE[s.kind], s.name) as number | undefined;
    if (id !== undefined) s.id = id;
    return id ?? null;
  }
}
