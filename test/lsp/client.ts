/** A minimal LSP client for tests: spawns the REAL server (`node --import tsx src/server/server.ts --stdio`). */
import { after, before } from 'node:test';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { REPO } from '../helpers';

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
}

export interface Published {
  uri: string;
  version?: number;
  diagnostics: LspDiagnostic[];
}

export class TestClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly conn: MessageConnection;
  readonly published: Published[] = [];
  stderr = '';
  private waiters: { uri: string; pred: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];

  constructor() {
    this.proc = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/server/server.ts'), '--stdio'], { cwd: REPO, stdio: 'pipe' });
    this.proc.stderr.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri === p.uri && w.pred(p)) {
          w.resolve(p);
          return false;
        }
        return true;
      });
    });
    this.conn.onNotification('window/logMessage', () => undefined);
    this.conn.listen();
  }

  async initialize(): Promise<{ capabilities: Record<string, unknown> }> {
    const r = await this.conn.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  /** Resolves with the first publishDiagnostics for `uri` (from now on, or already received after `since`) matching `pred`. */
  waitFor(uri: string, pred: (p: Published) => boolean = () => true, timeoutMs = 10_000, since = this.published.length): Promise<Published> {
    const already = this.published.slice(since).find((p) => p.uri === uri && pred(p));
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ uri, pred, resolve: (p) => (clearTimeout(t), resolve(p)) });
    });
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version, text } });
  }

  async change(uri: string, version: number, changes: unknown[]): Promise<void> {
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // the process may already be gone
    }
    this.conn.dispose();
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 3000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

/** One real language server per test file: started before its tests, shut down after them. */
export function serverForFile(): () => TestClient {
  let client: TestClient | undefined;
  before(async () => {
    client = new TestClient();
    await client.initialize();
  });
  after(async () => {
    await client?.shutdown();
  });
  return () => {
    if (!client) throw new Error('the language server is not started (serverForFile runs in before())');
    return client;
  };
}
