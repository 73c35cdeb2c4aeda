// RFC 8785 reference: JSON.parse, then JSON.stringify of primitives with object keys sorted by UTF-16 code
// units (Array.prototype.sort's default). One base64 JSON document per input line; one output line each:
// "T <base64 canonical UTF-8>" or "F <reason>".
const readline = require('readline');
function canon(v) {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('non-finite number');
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  return '{' + Object.keys(v).sort().map(k => JSON.stringify(k) + ':' + canon(v[k])).join(',') + '}';
}
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', line => {
  try {
    const text = Buffer.from(line, 'base64').toString('utf8');
    process.stdout.write('T ' + Buffer.from(canon(JSON.parse(text)), 'utf8').toString('base64') + '\n');
  } catch (e) {
    process.stdout.write('F ' + String(e.message).replace(/\n/g, ' ') + '\n');
  }
});
