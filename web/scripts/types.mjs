// The API's types, generated from docs/openapi.json at build time (src/api/schema.d.ts, not
// committed): a change of the API that breaks the console fails `tsc`.
// A $ref to a schema the document lacks (none today; ValidationError once was, which FastAPI-style tooling
// names in ResponseValidationError) is printed and filled with `unknown`, so one missing
// component does not stop the build; every other schema is taken as it is.
import { readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";

const source = new URL("../../docs/openapi.json", import.meta.url);
const target = new URL("../src/api/schema.d.ts", import.meta.url);
const doc = JSON.parse(readFileSync(source, "utf8"));
const schemas = (doc.components ??= {}).schemas ??= {};
const missing = new Set();
JSON.stringify(doc, (key, value) => {
  if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")) {
    const name = value.slice("#/components/schemas/".length);
    if (!(name in schemas)) missing.add(name);
  }
  return value;
});
for (const name of missing) {
  console.warn(`openapi.json: no schema ${name}; typed as unknown`);
  schemas[name] = { description: "missing from docs/openapi.json" };
}
const ast = await openapiTS(doc);
writeFileSync(target, "// Generated from docs/openapi.json by scripts/types.mjs: do not edit.\n" + astToString(ast));
console.log(`src/api/schema.d.ts: ${Object.keys(schemas).length} schemas, ${Object.keys(doc.paths).length} paths`);
