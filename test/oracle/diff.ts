// Compares our answers with QEMU's for one script and reports every mismatch that is not listed as
// an intended difference. Intended differences name an answer by its index (position among the
// read ops, i.e. in the answers array) or by a predicate, and always carry the reason.

import { describeOp, isRead, type Op } from "./script.ts";

/** What a predicate sees for one read. */
export interface ReadCtx {
  op: Op;
  /** position of the op in the script */
  opIndex: number;
  /** position of the answer in the answers arrays */
  answerIndex: number;
  ours: number;
  theirs: number;
}

export type Intended =
  | { index: number; reason: string }
  | { match: (r: ReadCtx) => boolean; reason: string };

export interface Mismatch extends ReadCtx { reason?: string }

export interface DiffResult {
  /** true when every mismatch is intended and both sides gave one answer per read */
  ok: boolean;
  unexpected: Mismatch[];
  /** mismatches covered by an intended entry (with its reason) */
  intended: Mismatch[];
  /** intended entries that matched no mismatch: QEMU and we agree there now, or the entry is stale */
  unused: Intended[];
  report: string;
}

const hex = (n: number) => "0x" + (n >>> 0).toString(16).padStart(8, "0");

export function diffAnswers(script: readonly Op[], ours: readonly number[], theirs: readonly number[], intended: readonly Intended[] = []): DiffResult {
  const reads: { op: Op; opIndex: number }[] = [];
  script.forEach((op, opIndex) => { if (isRead(op)) reads.push({ op, opIndex }); });
  const problems: string[] = [];
  if (ours.length !== reads.length) problems.push(`ours has ${ours.length} answers, the script has ${reads.length} reads`);
  if (theirs.length !== reads.length) problems.push(`QEMU has ${theirs.length} answers, the script has ${reads.length} reads`);

  const unexpected: Mismatch[] = [];
  const covered: Mismatch[] = [];
  const used = new Set<Intended>();
  const n = Math.min(reads.length, ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const ctx: ReadCtx = { ...reads[i]!, answerIndex: i, ours: ours[i]! >>> 0, theirs: theirs[i]! >>> 0 };
    if (ctx.ours === ctx.theirs) continue;
    const hit = intended.find((d) => ("index" in d ? d.index === i : d.match(ctx)));
    if (hit) { used.add(hit); covered.push({ ...ctx, reason: hit.reason }); }
    else unexpected.push(ctx);
  }
  const unused = intended.filter((d) => !used.has(d));

  const line = (m: Mismatch) =>
    `  #${m.answerIndex} [op ${m.opIndex}] ${describeOp(m.op)}\n      ours ${hex(m.ours)}  qemu ${hex(m.theirs)}` +
    (m.reason ? `  — intended: ${m.reason}` : "");
  const out: string[] = [];
  const ok = problems.length === 0 && unexpected.length === 0;
  out.push(ok
    ? `oracle diff OK: ${n} answers, ${covered.length} intended differences`
    : `oracle diff FAILED: ${unexpected.length} unexpected mismatches of ${n} answers` + (problems.length ? `; ${problems.join("; ")}` : ""));
  if (unexpected.length) out.push("unexpected:", ...unexpected.map(line));
  if (covered.length) out.push("intended:", ...covered.map(line));
  if (unused.length) out.push("intended differences that did not occur (stale?):", ...unused.map((d) => `  ${"index" in d ? `#${d.index}` : "predicate"}: ${d.reason}`));
  return { ok, unexpected, intended: covered, unused, report: out.join("\n") };
}

/** Throws an AssertionError-like Error with the report when the diff is not OK. */
export function assertNoUnexpected(result: DiffResult): void {
  if (!result.ok) throw new Error(result.report);
}
