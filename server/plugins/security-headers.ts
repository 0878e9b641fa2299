// Security headers on every answer, pages and API alike. Scripts come only from this
// origin (the built front end has no inline script); Observable Plot writes inline style
// attributes into its SVG, so styles may be inline. Images may come from blob: URLs: a
// chart's PNG download draws the chart's SVG, loaded as an image from a blob:, on a canvas.
import fp from 'fastify-plugin';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export default fp(
  async (app) => {
    app.addHook('onSend', async (request, reply) => {
      reply.headers(HEADERS);
      // A page rendered for an anonymous reader holds only what the public may see: it is
      // sent without COOP, which would make Chromium switch the browsing context group (a
      // new renderer process, after the answer has arrived) on every arrival from a link
      // and delay the page by 60 ms or more (bench:web, issue #17). Signed in, the page
      // keeps it.
      if (
        request.caller?.kind === 'anonymous' &&
        String(reply.getHeader('content-type') ?? '').startsWith('text/html')
      )
        reply.removeHeader('cross-origin-opener-policy');
      if (request.protocol === 'https')
        reply.header('strict-transport-security', 'max-age=31536000');
      // Answers that depend on who asks must not be kept by shared caches. Figure answers
      // set their own (private, revalidated by ETag: figure-cache.ts).
      if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
        reply.header('cache-control', 'no-store');
    });
  },
  { name: 'security-headers' },
);
