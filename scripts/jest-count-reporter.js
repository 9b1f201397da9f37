// Appends each jest run's pass/fail counts to the file named by MEMBERLOOP_TEST_COUNTS, so `npm test` can print one total.
const { appendFileSync } = require('node:fs');

class CountReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.MEMBERLOOP_TEST_COUNTS;
    if (!file) return;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    appendFileSync(file, JSON.stringify({ passed: results.numPassedTests, failed }) + '\n');
  }
}

module.exports = CountReporter;
