/**
 * Serves an embedded PGlite database on a loopback socket, so the same pg
 * Pool, Kysely and graphile-worker code runs on it as on PostgreSQL.
 *
 * PGlite has one session. Two rules keep many connections from corrupting it:
 * - a client's extended-protocol batch (Parse … Sync) runs as one unit, so
 *   another connection's Parse can never replace the unnamed statement
 *   between this one's Parse and Bind;
 * - while a connection has a transaction open, only that connection runs.
 * (@electric-sql/pglite-socket 0.2 queues single messages, which breaks the
 * first rule under concurrency: "bind message supplies N parameters".)
 */
import net from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Message types after which the client waits for an answer: the end of a batch. */
const BATCH_END = new Set([0x53 /* S Sync */, 0x51 /* Q Query */, 0x48 /* H Flush */, 0x63 /* c CopyDone */, 0x66 /* f CopyFail */]);
const TERMINATE = 0x58; // X

interface Job {
  conn: number;
  bytes: Uint8Array;
  write: (data: Uint8Array) => void;
  done: () => void;
}

export interface PgliteServer {
  port: number;
  stop(): Promise<void>;
}

export async function startPgliteServer(db: PGlite, host = "127.0.0.1"): Promise<PgliteServer> {
  const queue: Job[] = [];
  let running = false;
  /** The connection whose transaction is open, if any. */
  let owner: number | null = null;
  let nextId = 1;
  const sockets = new Set<net.Socket>();

  async function pump(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (queue.length) {
        const i = owner === null ? 0 : queue.findIndex((j) => j.conn === owner);
        if (i < 0) break; // wait for the transaction's owner to speak
        const job = queue.splice(i, 1)[0]!;
        try {
          await db.runExclusive(() => db.execProtocolRawStream(job.bytes, { onRawData: (d: Uint8Array) => job.write(d) }));
        } catch {
          // PGlite reports SQL errors in the protocol stream; a throw here means the connection is unusable.
        }
        owner = db.isInTransaction() ? job.conn : null;
        job.done();
      }
    } finally {
      running = false;
    }
  }

  function enqueue(job: Job): void {
    queue.push(job);
    void pump();
  }

  async function release(conn: number): Promise<void> {
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.conn === conn) queue.splice(i, 1);
    if (owner === conn) {
      // A client that vanished mid-transaction must not hold the database.
      await db.runExclusive(() => db.exec("rollback")).catch(() => {});
      owner = null;
      void pump();
    }
  }

  const server = net.createServer((socket) => {
    const conn = nextId++;
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    let started = false;
    let pending: Buffer[] = [];
    let busy = Promise.resolve();
    const write = (d: Uint8Array) => {
      // PGlite reuses the memory behind `d` once this callback returns: copy it, or a buffered write sends garbage.
      if (socket.writable && d.length) socket.write(Buffer.from(d));
    };

    const submit = (bytes: Buffer) =>
      (busy = busy.then(
        () =>
          new Promise<void>((resolve) => {
            if (socket.destroyed) return resolve();
            enqueue({ conn, bytes: new Uint8Array(bytes), write, done: resolve });
          }),
      ));

    socket.on("data", (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const len = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (buffer.length < len) return;
          const msg = buffer.subarray(0, len);
          buffer = buffer.subarray(len);
          if (code === SSL_REQUEST) socket.write("N");
          else if (code === CANCEL_REQUEST) socket.end();
          else if (code === PROTOCOL_3) {
            started = true;
            void submit(Buffer.from(msg));
          } else socket.destroy();
          continue;
        }
        if (buffer.length < 5) return;
        const type = buffer[0]!;
        const len = buffer.readInt32BE(1) + 1;
        if (buffer.length < len) return;
        const msg = buffer.subarray(0, len);
        buffer = buffer.subarray(len);
        if (type === TERMINATE) {
          socket.end();
          return;
        }
        pending.push(Buffer.from(msg));
        if (BATCH_END.has(type)) {
          const batch = Buffer.concat(pending);
          pending = [];
          void submit(batch);
        }
      }
    });
    const close = () => {
      sockets.delete(socket);
      void busy.then(() => release(conn));
    };
    socket.on("close", close);
    socket.on("error", () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
