// Runs the built language server (dist/, built by `npm run build`) on stdin/stdout, the way
// `libcc lsp` does, for tests/lsp/server.test.ts to drive over JSON-RPC.
import { startLanguageServer } from '../../dist/lsp/server.js';

startLanguageServer(process.stdin, process.stdout);
