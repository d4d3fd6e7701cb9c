// The range table: which device region answers which port or MMIO range. A region id is the
// device's own; re-claiming it moves it. Overlapping another device's claim is refused, so a
// device can never steal or shadow another's registers.

export const SPACE_PORT = 0;
export const SPACE_MMIO = 1;

export interface Range<D> {
  owner: D;
  region: number;
  space: number;
  base: number;
  len: number;
}

export class RangeTable<D> {
  private ranges: Range<D>[] = [];
  private lastHit: Range<D> | null = null;

  /** Finds the range holding `addr` in `space`. */
  lookup(space: number, addr: number): Range<D> | null {
    const h = this.lastHit;
    if (h && h.space === space && addr >= h.base && addr < h.base + h.len) return h;
    for (const r of this.ranges) {
      if (r.space === space && addr >= r.base && addr < r.base + r.len) {
        this.lastHit = r;
        return r;
      }
    }
    return null;
  }

  find(owner: D, region: number): Range<D> | null {
    return this.ranges.find((r) => r.owner === owner && r.region === region) ?? null;
  }

  /** The claim another owner already holds that [base, base+len) would overlap, if any. */
  conflict(owner: D, region: number, space: number, base: number, len: number): Range<D> | null {
    for (const r of this.ranges) {
      if (r.space !== space || (r.owner === owner && r.region === region)) continue;
      if (base < r.base + r.len && r.base < base + len) return r;
    }
    return null;
  }

  /** Adds or moves a claim; returns the previous range of that region (for unmapping), if any. */
  set(owner: D, region: number, space: number, base: number, len: number): Range<D> | null {
    const old = this.remove(owner, region);
    this.ranges.push({ owner, region, space, base, len });
    return old;
  }

  remove(owner: D, region: number): Range<D> | null {
    const i = this.ranges.findIndex((r) => r.owner === owner && r.region === region);
    if (i < 0) return null;
    const [old] = this.ranges.splice(i, 1);
    this.lastHit = null;
    return old!;
  }

  ownedBy(owner: D): Range<D>[] {
    return this.ranges.filter((r) => r.owner === owner);
  }

  all(): readonly Range<D>[] {
    return this.ranges;
  }
}
