// Checks a newman JSON report of the ONEST sandbox collection run against
// Seeker: every request answered 200, every answer carries at least one
// callback, and no callback is an error. Prints one line per request and
// exits 1 when anything is off.
'use strict';
const fs = require('fs');

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const executions = report.run.executions || [];
let failures = 0;
for (const ex of executions) {
  const name = ex.item.name;
  const res = ex.response;
  const problems = [];
  if (!res) {
    problems.push('no response (' + ((ex.requestError && ex.requestError.message) || 'request failed') + ')');
  } else {
    if (res.code !== 200) problems.push('HTTP ' + res.code);
    let body;
    try {
      body = JSON.parse(Buffer.from(res.stream.data).toString('utf8'));
    } catch (e) {
      problems.push('body is not JSON');
    }
    if (body) {
      const responses = Array.isArray(body.responses) ? body.responses : [];
      if (responses.length === 0) problems.push('no callback in responses' + (body.error ? ': ' + JSON.stringify(body.error) : ''));
      responses.forEach((cb, i) => {
        if (cb && cb.error) problems.push('callback ' + i + ' is an error: ' + JSON.stringify(cb.error));
      });
      if (body.error && responses.length > 0) problems.push('error: ' + JSON.stringify(body.error));
    }
  }
  if (problems.length) {
    failures++;
    console.log('FAIL ' + name + ': ' + problems.join('; '));
  } else {
    console.log('ok   ' + name);
  }
}
console.log(executions.length - failures + ' passed, ' + failures + ' failed');
if (executions.length === 0 || failures > 0) process.exit(1);
