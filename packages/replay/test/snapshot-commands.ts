import fc from 'fast-check';

/** What a buffer, adapter or sampler under a model test snapshots and restores. */
export interface Snapshottable {
  snapshot(): Uint8Array;
  restore(bytes: Uint8Array): void;
}

/** A model that keeps the snapshots taken so far, each with what the model remembered then. */
export interface SnapshotModel<Memo> {
  saved: { bytes: Uint8Array; memo: Memo }[];
}

/** How the model test of one kind of object takes part in snapshot/restore. */
export interface SnapshotHooks<M extends SnapshotModel<Memo>, R, Memo> {
  /** The object under test. */
  target(real: R): Snapshottable;
  /** Puts a new, empty object in `real` (restore into a fresh object). */
  renew(model: M, real: R): void;
  /** What the model must remember to go back to this point. */
  save(model: M): Memo;
  /** Takes the model back to `memo` (the object has just been restored). */
  load(model: M, memo: Memo): void;
  /** Compares the object with the model. */
  check(model: M, real: R): void;
}

/**
 * fc.commands `snapshot()`, which saves the object's bytes with the model's memo, and `restore`,
 * which restores saved bytes into the object as it is or into a fresh one, and checks it against
 * the model taken back to that point.
 */
export function snapshotCommands<M extends SnapshotModel<Memo>, R, Memo>(hooks: SnapshotHooks<M, R, Memo>): fc.Arbitrary<fc.Command<M, R>>[] {
  class Snapshot implements fc.Command<M, R> {
    check = (): boolean => true;
    run(model: M, real: R): void {
      model.saved.push({ bytes: hooks.target(real).snapshot(), memo: hooks.save(model) });
    }
    toString = (): string => 'snapshot()';
  }

  class Restore implements fc.Command<M, R> {
    constructor(
      readonly pick: number,
      readonly fresh: boolean,
    ) {}
    check = (model: Readonly<M>): boolean => model.saved.length > 0;
    run(model: M, real: R): void {
      const saved = model.saved[this.pick % model.saved.length]!;
      if (this.fresh) hooks.renew(model, real);
      hooks.target(real).restore(saved.bytes);
      hooks.load(model, saved.memo);
      hooks.check(model, real);
    }
    toString = (): string => `restore(saved[${this.pick}], ${this.fresh ? 'fresh' : 'in place'})`;
  }

  return [fc.constant(new Snapshot()), fc.tuple(fc.nat(), fc.boolean()).map(([pick, fresh]) => new Restore(pick, fresh))];
}

/** {@link snapshotCommands} for a model whose whole state is `model.state`, remembered as a deep copy. */
export function stateSnapshotCommands<M extends SnapshotModel<S> & { state: S }, R, S>(
  hooks: Pick<SnapshotHooks<M, R, S>, 'target' | 'renew' | 'check'>,
): fc.Arbitrary<fc.Command<M, R>>[] {
  return snapshotCommands<M, R, S>({
    ...hooks,
    save: (model) => structuredClone(model.state),
    load: (model, state) => (model.state = structuredClone(state)),
  });
}
