import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1. It serves the routes @huggingface/hub 2.x calls:
 * `whoami-v2`, model and dataset info, the recursive tree listing and `resolve` downloads. Listings are
 * paginated with a `Link` header and failures carry the Hub's status codes and `X-Error-Code` headers.
 */

export interface FakeFile {
  path: string;
  size: number;
  /** Stored in LFS: the listing then carries an `lfs` object with the size. */
  lfs?: boolean;
}

export interface FakeRepo {
  type: 'model' | 'dataset';
  id: string;
  gated: false | 'auto' | 'manual';
  private?: boolean;
  files: FakeFile[];
}

export interface FakeUser {
  token: string;
  name: string;
  role: 'read' | 'write' | 'fineGrained';
  /** Only for fine-grained tokens. */
  canReadGatedRepos?: boolean;
  /** Gated repositories whose terms this user accepted. */
  accepted: string[];
  /** Gated repositories with a request waiting for review. */
  pending?: string[];
  /** Leaves `fineGrained` out of the whoami response, as for tokens the client cannot inspect. */
  omitFineGrainedDetails?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  /** Every header except Authorization. */
  headers: Record<string, string | string[] | undefined>;
  authorization: string | undefined;
  body: string;
}

export interface FakeHub {
  url: string;
  requests: RecordedRequest[];
  close: () => Promise<void>;
}

export interface FakeHubOptions {
  repos: FakeRepo[];
  users: FakeUser[];
  /** Entries per tree page; a smaller number forces the client to follow `Link` headers. */
  pageSize?: number;
  /** Leaves `X-Error-Code` out of a missing folder's 404, so only the status shows the cause. */
  omitEntryErrorCode?: boolean;
  /** Sends downloads without an ETag, which @huggingface/hub rejects as an unexpected format. */
  omitEtag?: boolean;
}

const INVALID_CREDENTIALS = 'Invalid credentials in Authorization header';

export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const requests: RecordedRequest[] = [];
  const pageSize = options.pageSize ?? 1000;

  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { authorization, ...headers } = request.headers;
      requests.push({ method: request.method ?? 'GET', url: request.url ?? '', headers, authorization, body });
      const address = server.address() as AddressInfo;
      handle(request, response, `http://127.0.0.1:${address.port}`);
    });
  });

  function handle(request: http.IncomingMessage, response: http.ServerResponse, base: string): void {
    const url = new URL(request.url ?? '/', base);
    const authorization = request.headers.authorization;
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const user = token === undefined ? undefined : options.users.find((candidate) => candidate.token === token);

    if (token !== undefined && !user) {
      return json(response, 401, { error: INVALID_CREDENTIALS });
    }

    if (url.pathname === '/api/whoami-v2') {
      return user ? json(response, 200, whoami(user)) : json(response, 401, { error: INVALID_CREDENTIALS });
    }

    const info = /^\/api\/(models|datasets)\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    if (info) {
      const repo = findRepo(info[1] === 'models' ? 'model' : 'dataset', info[2] ?? '', user);
      if (!repo) {
        return repoNotFound(response, user);
      }
      return json(response, 200, {
        _id: `id-${repo.id}`,
        id: repo.id,
        private: repo.private ?? false,
        gated: repo.gated,
        downloads: 10,
        likes: 1,
        lastModified: '2026-01-01T00:00:00.000Z',
      });
    }

    const tree = /^\/api\/(models|datasets)\/([^/]+\/[^/]+)\/tree\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
    if (tree) {
      const repo = findRepo(tree[1] === 'models' ? 'model' : 'dataset', tree[2] ?? '', user);
      if (!repo) {
        return repoNotFound(response, user);
      }
      return listTree(response, url, repo, decodeURIComponent(tree[4] ?? ''), pageSize, !options.omitEntryErrorCode);
    }

    const resolve = /^\/(datasets\/)?([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (resolve) {
      const type = resolve[1] ? 'dataset' : 'model';
      return resolveFile(response, type, resolve[2] ?? '', decodeURIComponent(resolve[4] ?? ''), user);
    }

    return json(response, 404, { error: `No route for ${url.pathname}` });
  }

  function findRepo(type: FakeRepo['type'], id: string, user: FakeUser | undefined): FakeRepo | undefined {
    const repo = options.repos.find((candidate) => candidate.type === type && candidate.id === id);
    if (repo?.private && !user) {
      return undefined;
    }
    return repo;
  }

  function resolveFile(
    response: http.ServerResponse,
    type: FakeRepo['type'],
    id: string,
    filePath: string,
    user: FakeUser | undefined,
  ): void {
    const repo = findRepo(type, id, user);
    if (!repo) {
      return repoNotFound(response, user);
    }
    const file = repo.files.find((candidate) => candidate.path === filePath);
    if (!file) {
      return text(response, 404, 'Entry not found', { 'X-Error-Code': 'EntryNotFound', 'X-Error-Message': 'Entry not found' });
    }

    if (repo.gated !== false) {
      const kind = repo.type === 'model' ? 'model' : 'dataset';
      if (!user) {
        const message = `Access to ${kind} ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`;
        return text(response, 401, message, { 'X-Error-Code': 'GatedRepo', 'X-Error-Message': message });
      }
      if (user.role === 'fineGrained' && !user.canReadGatedRepos) {
        const message = 'Please enable access to public gated repositories in your fine-grained token settings to view this repository.';
        return text(response, 403, message, { 'X-Error-Message': message });
      }
      if (user.pending?.includes(repo.id)) {
        const message = `Your request to access ${kind} ${repo.id} is awaiting a review from the repo authors.`;
        return text(response, 403, message, { 'X-Error-Code': 'GatedRepo', 'X-Error-Message': message });
      }
      if (!user.accepted.includes(repo.id)) {
        const message = `Access to ${kind} ${repo.id} is restricted and you are not in the authorized list. Visit ${base()}/${repo.id} to ask for access.`;
        return text(response, 403, message, { 'X-Error-Code': 'GatedRepo', 'X-Error-Message': message });
      }
    }

    response.writeHead(206, {
      'Content-Range': `bytes 0-0/${file.size}`,
      'Content-Length': '1',
      ...(options.omitEtag ? {} : { ETag: `"etag-${file.path}"` }),
    });
    response.end('x');
  }

  function base(): string {
    const address = server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    // Safe to call twice: tests stop the server to simulate an outage and the cleanup closes it again.
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function listTree(
  response: http.ServerResponse,
  url: URL,
  repo: FakeRepo,
  folder: string,
  pageSize: number,
  withErrorCode: boolean,
): void {
  const prefix = folder ? `${folder}/` : '';
  const recursive = url.searchParams.get('recursive') === 'true';
  const files = repo.files.filter(
    (file) => file.path.startsWith(prefix) && (recursive || !file.path.slice(prefix.length).includes('/')),
  );
  if (folder && files.length === 0) {
    const headers: Record<string, string> = withErrorCode ? { 'X-Error-Code': 'EntryNotFound' } : {};
    return json(response, 404, { error: `Entry not found: ${folder}` }, headers);
  }

  const directories = new Set<string>();
  for (const file of files) {
    const parts = file.path.slice(prefix.length).split('/');
    for (let depth = 1; depth < parts.length; depth += 1) {
      directories.add(prefix + parts.slice(0, depth).join('/'));
    }
  }
  const entries: object[] = [
    ...[...directories].map((path) => ({ type: 'directory', oid: `tree-${path}`, size: 0, path })),
    ...files.map((file) => ({
      type: 'file',
      oid: `blob-${file.path}`,
      // A pointer-sized `size` next to `lfs.size` makes a test fail if the client summed the wrong field.
      size: file.lfs ? 134 : file.size,
      path: file.path,
      ...(file.lfs ? { lfs: { oid: `sha-${file.path}`, size: file.size, pointerSize: 134 } } : {}),
    })),
  ];

  const cursor = Number(url.searchParams.get('cursor') ?? '0');
  const page = entries.slice(cursor, cursor + pageSize);
  const headers: Record<string, string> = {};
  if (cursor + pageSize < entries.length) {
    const next = new URL(url);
    next.searchParams.set('cursor', String(cursor + pageSize));
    headers.Link = `<${next.href}>; rel="next"`;
  }
  json(response, 200, page, headers);
}

function whoami(user: FakeUser): object {
  return {
    type: 'user',
    id: `id-${user.name}`,
    name: user.name,
    fullname: user.name,
    email: `${user.name}@example.org`,
    emailVerified: true,
    isPro: false,
    canPay: false,
    avatarUrl: '',
    periodEnd: null,
    billingMode: 'prepaid',
    orgs: [],
    auth: {
      type: 'access_token',
      accessToken: {
        displayName: 'course',
        role: user.role,
        createdAt: '2026-01-01T00:00:00.000Z',
        ...(user.role === 'fineGrained' && !user.omitFineGrainedDetails
          ? { fineGrained: { canReadGatedRepos: user.canReadGatedRepos ?? false, global: [], scoped: [] } }
          : {}),
      },
    },
  };
}

function repoNotFound(response: http.ServerResponse, user: FakeUser | undefined): void {
  // Like the Hub: without a token a missing repository looks like a private one (401), with one it is 404.
  json(response, user ? 404 : 401, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
}

function json(response: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
}

function text(response: http.ServerResponse, status: number, value: string, headers: Record<string, string>): void {
  response.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
  response.end(value);
}
