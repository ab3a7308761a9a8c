import { resetParts, writeReport } from './report.js';

/** Clears the report parts before the run; after it, writes reports/reliability-run.json and prints the table. */
export default function setup() {
  resetParts();
  return () => {
    const result = writeReport();
    if (result) console.log(result.table);
  };
}
