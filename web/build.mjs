// Build the web UI into src/silkrail/service/static/ so that `pip install` needs no npm.
//
//   cd web && npm ci && npm run build
//
// Bundles Leaflet and topojson-client (from npm) with our JS and CSS, copies index.html and
// the third-party licences, and checks that the packaged Natural Earth basemap the server
// serves (src/silkrail/datasets/basemap/countries-50m.json) is world-atlas's file unchanged.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "silkrail", "service", "static");
const modules = join(here, "node_modules");
mkdirSync(out, { recursive: true });

const common = { bundle: true, minify: true, logLevel: "info", legalComments: "eof" };

await esbuild.build({
  ...common,
  entryPoints: [join(here, "src", "main.js")],
  outfile: join(out, "app.js"),
  format: "iife",
  target: ["es2020"],
});

await esbuild.build({
  ...common,
  entryPoints: [join(here, "src", "style.css")],
  outfile: join(out, "app.css"),
  loader: { ".png": "dataurl", ".svg": "dataurl" },
});

copyFileSync(join(here, "src", "index.html"), join(out, "index.html"));

const pkg = (name) => JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
const notices = ["leaflet", "topojson-client"].map((name) => {
  const text = readFileSync(join(modules, name, "LICENSE"), "utf8").trim();
  return `${name} ${pkg(name).version}\n${"=".repeat(40)}\n${text}\n`;
});
writeFileSync(
  join(out, "THIRD-PARTY-LICENSES.txt"),
  "Third-party code bundled into app.js and app.css\n\n" + notices.join("\n"),
);

const sha = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");
const packaged = join(here, "..", "src", "silkrail", "datasets", "basemap", "countries-50m.json");
const npmCopy = join(modules, "world-atlas", "countries-50m.json");
if (sha(packaged) !== sha(npmCopy)) {
  console.error(`basemap mismatch: ${packaged} differs from world-atlas ${pkg("world-atlas").version}`);
  process.exit(1);
}
console.log(`basemap ok: world-atlas ${pkg("world-atlas").version} countries-50m.json`);
