// Mocha reporter: the spec reporter's output, then one plain closing line
// `N passed, N failed, N skipped` that CI reads. Pending (skipped) tests are listed loudly.
const Mocha = require("mocha");
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class PlainSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (t) => skipped.push(t.fullTitle()));
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      if (skipped.length) {
        console.log(`\nSKIPPED (${skipped.length}):`);
        for (const t of skipped) console.log(`  SKIPPED: ${t}`);
      }
      console.log(`\n${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
    });
  }
}
module.exports = PlainSummary;
