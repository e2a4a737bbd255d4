/**
 * Lets a plain `node` child process load the hub's TypeScript sources, so that integration tests
 * can drive a real adapter from a second OS process. It compiles `.ts` files with @swc/core (the
 * compiler jest uses) and resolves the `@onestop/<lib>` and `@onestop/<lib>/testing` aliases.
 * Test use only.
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../../../..');
const resolveFilename = Module._resolveFilename;

Module._resolveFilename = function resolveAlias(request, ...rest) {
  const alias = /^@onestop\/([a-z-]+)(\/testing)?$/.exec(request);
  const target = alias ? path.join(root, 'libs', alias[1], alias[2] ? 'testing' : 'src') : request;
  return resolveFilename.call(this, target, ...rest);
};

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
