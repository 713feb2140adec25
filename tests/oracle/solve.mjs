// Runs EPANET 2.3.5 (the OWA library compiled to WebAssembly, npm package epanet-js) on an .inp
// file and writes what sofiatwin's tests compare against:
//   OUT_values.csv  time_s,kind,id,value,status   heads (kind node) and demands (kind demand: a
//                   junction's outflow with emitters and leakage, a tank's or reservoir's net
//                   inflow) of every node and flows (kind link) of every link, in the file's units,
//                   at each hydraulic step whose time is a multiple of EVERY_S;
//                   status 0 = closed, 1 = open (EPANET reports flow 0 for a closed link)
//   OUT_steps.csv   time_s,next_dt_s              every hydraulic step
// Usage: node solve.mjs NET.inp OUT EVERY_S
// Exit status 0 also when EPANET stops early (UNBALANCED STOP): the steps file shows where.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, Workspace } from 'epanet-js';
import EpanetEngine from 'epanet-js/engines/v2.3.5';

const [inputPath, outPrefix, everyText] = process.argv.slice(2);
if (!inputPath || !outPrefix || !everyText) {
  console.error('usage: node solve.mjs NET.inp OUT EVERY_S');
  process.exit(2);
}
const every = Number(everyText);
const here = path.dirname(fileURLToPath(import.meta.url));
// the engine's own loader fetches the .wasm by URL, which Node cannot; hand it the bytes instead
const wasm = fs.readFileSync(path.join(here, 'node_modules/epanet-js/dist/engines/v2.3.5/EpanetEngine.wasm'));
const workspace = new Workspace();
await workspace.loadModuleVersion(() => EpanetEngine({ wasmBinary: wasm }));
const project = new Project(workspace);
workspace.writeFile('net.inp', fs.readFileSync(inputPath));
project.open('net.inp', 'net.rpt', '');

const DEMAND = 9, HEAD = 10, FLOW = 8, STATUS = 11;  // EN_DEMAND, EN_HEAD, EN_FLOW, EN_STATUS
const nodes = project.getCount(0), links = project.getCount(2);  // EN_NODECOUNT, EN_LINKCOUNT
const values = ['time_s,kind,id,value,status'];
const steps = ['time_s,next_dt_s'];
project.openH();
project.initH(0);
for (;;) {
  let time;
  try {
    time = project.runH();
  } catch (error) {  // EPANET stopped (e.g. an ill-conditioned system): the steps so far stand
    console.error(`epanet: ${error.message}`);
    break;
  }
  if (time % every === 0) {
    for (let i = 1; i <= nodes; ++i) {
      values.push(`${time},node,${project.getNodeId(i)},${project.getNodeValue(i, HEAD).toPrecision(15)},`);
      values.push(`${time},demand,${project.getNodeId(i)},${project.getNodeValue(i, DEMAND).toPrecision(15)},`);
    }
    for (let k = 1; k <= links; ++k)
      values.push(`${time},link,${project.getLinkId(k)},${project.getLinkValue(k, FLOW).toPrecision(15)},${project.getLinkValue(k, STATUS)}`);
  }
  const dt = project.nextH();
  steps.push(`${time},${dt}`);
  if (dt <= 0) break;
}
project.closeH();
project.close();
fs.writeFileSync(`${outPrefix}_values.csv`, values.join('\n') + '\n');
fs.writeFileSync(`${outPrefix}_steps.csv`, steps.join('\n') + '\n');
