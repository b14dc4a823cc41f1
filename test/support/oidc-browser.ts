// A browser without a browser for sign-in flows across two servers (the app and an identity
// provider): fetch with manual redirects and one cookie jar per origin, following each
// redirect as a browser does. Cookie paths and attributes are not modelled; the flows here
// do not depend on them.

export type Page = { url: string; status: number; html: string };

export class RedirectingBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  private jar(origin: string) {
    let jar = this.jars.get(origin);
    if (!jar) {
      jar = new Map();
      this.jars.set(origin, jar);
    }
    return jar;
  }

  private remember(url: URL, res: Response) {
    const jar = this.jar(url.origin);
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const [name = '', ...rest] = pair.trim().split('=');
      const value = rest.join('=');
      const expired = attributes.some((a) => {
        const [key = '', date = ''] = a.trim().split('=');
        return (
          (key.toLowerCase() === 'expires' && new Date(date).getTime() < Date.now()) ||
          (key.toLowerCase() === 'max-age' && Number(date) <= 0)
        );
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  /** The cookies this browser holds for an origin. */
  cookies(origin: string): Map<string, string> {
    return this.jar(origin);
  }

  /** One request, no redirect followed. */
  async request(
    address: string,
  ): Promise<Page & { location: string | undefined; refresh: string | undefined }> {
    const url = new URL(address);
    const cookie = [...this.jar(url.origin)].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });
    this.remember(url, res);
    const location = res.headers.get('location');
    // A Refresh header ("0;url=…") takes a browser on at once, as a redirect does.
    const refresh = /^\s*0\s*;\s*url=(.+)$/i.exec(res.headers.get('refresh') ?? '')?.[1];
    return {
      refresh: refresh ? new URL(refresh, url).href : undefined,
      url: url.href,
      status: res.status,
      html: await res.text(),
      location: location ? new URL(location, url).href : undefined,
    };
  }

  /**
   * Follows redirects (and immediate refreshes) from `address` until a page answers, or until `stopBefore` says the
   * next address is one the test wants to tamper with (that address is then returned as
   * `url`, not requested).
   */
  async open(
    address: string,
    stopBefore?: (url: URL) => boolean,
  ): Promise<Page & { stopped: boolean }> {
    let url = address;
    for (let hop = 0; hop < 20; hop += 1) {
      if (hop > 0 && stopBefore?.(new URL(url))) return { url, status: 0, html: '', stopped: true };
      const page = await this.request(url);
      const onward = page.status >= 300 && page.status < 400 ? page.location : page.refresh;
      if (!onward) return { ...page, stopped: false };
      url = onward;
    }
    throw new Error(`too many redirects from ${address}`);
  }
}
