// A browser-less client for HTML forms: keeps cookies, reads each form's CSRF token.
export class FormClient {
  private readonly cookies = new Map<string, string>();
  private csrf = '';

  constructor(
    private readonly base: string,
    /** Sent with every request, e.g. X-Forwarded-For to stand for another client address. */
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  private remember(res: Response) {
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', ...rest] = pair.split('=');
      this.cookies.set(name, rest.join('='));
    }
  }

  /** The CSRF token of the last form this client saw. */
  get csrfToken() {
    return this.csrf;
  }

  /** The cookies as this client sends them, e.g. to replay them from another "browser". */
  get cookieHeader() {
    return this.header();
  }

  private header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string) {
    const res = await fetch(`${this.base}${path}`, {
      headers: { ...this.extraHeaders, cookie: this.header() },
      redirect: 'manual',
    });
    this.remember(res);
    const html = await res.text();
    this.csrf = html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? this.csrf;
    return { status: res.status, html, location: res.headers.get('location') };
  }

  async post(path: string, fields: Record<string, string>) {
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: {
        ...this.extraHeaders,
        'content-type': 'application/x-www-form-urlencoded',
        cookie: this.header(),
      },
      body: new URLSearchParams({ _csrf: this.csrf, ...fields }),
      redirect: 'manual',
    });
    this.remember(res);
    const html = await res.text();
    this.csrf = html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? this.csrf;
    return { status: res.status, html, location: res.headers.get('location') };
  }
}
