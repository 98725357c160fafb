// What bench/corpus.ts's HTTP services are made of: their names and routes, the statements their
// database calls run, their clients' user agents, and the stack of a failed upstream call.

export const SERVICES = ['gateway', 'catalog', 'orders', 'payments', 'users', 'search', 'inventory', 'shipping'];
/** Per service: its routes (the server span's name is `METHOD route`). */
export const ROUTES: Record<string, Array<[string, string]>> = {
  gateway: [
    ['GET', '/api/products/:id'],
    ['GET', '/api/products'],
    ['POST', '/api/cart/items'],
    ['GET', '/api/cart'],
    ['POST', '/api/checkout'],
    ['GET', '/api/orders/:orderId'],
    ['GET', '/api/search'],
    ['GET', '/api/users/:userId/profile'],
  ],
  catalog: [
    ['GET', '/products/:id'],
    ['GET', '/products'],
    ['GET', '/categories/:slug'],
  ],
  orders: [
    ['POST', '/orders'],
    ['GET', '/orders/:orderId'],
    ['GET', '/users/:userId/orders'],
  ],
  payments: [
    ['POST', '/payments'],
    ['POST', '/payments/:id/capture'],
  ],
  users: [
    ['GET', '/users/:userId'],
    ['PATCH', '/users/:userId'],
  ],
  search: [['GET', '/search']],
  inventory: [
    ['GET', '/stock/:sku'],
    ['POST', '/reservations'],
  ],
  shipping: [['POST', '/quotes']],
};
export const STATEMENTS = [
  'SELECT id, name, price_cents, currency, stock FROM products WHERE id = $1',
  'SELECT o.id, o.status, o.total_cents FROM orders o WHERE o.user_id = $1 ORDER BY o.created_at DESC LIMIT 20',
  'INSERT INTO orders (user_id, total_cents, currency, status) VALUES ($1, $2, $3, $4) RETURNING id',
  'UPDATE stock SET reserved = reserved + $1 WHERE sku = $2',
  'SELECT * FROM users WHERE id = $1',
];
export const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'okhttp/4.12.0',
];
export const STACK = [
  'Error: upstream answered 503 Service Unavailable',
  '    at ClientRequest.<anonymous> (/app/node_modules/undici/lib/dispatcher/client-h1.js:712:26)',
  '    at HttpClient.request (/app/dist/lib/http-client.js:88:19)',
  '    at async PaymentsGateway.capture (/app/dist/payments/gateway.js:141:22)',
  '    at async CheckoutService.placeOrder (/app/dist/checkout/service.js:57:9)',
  '    at async /app/dist/routes/checkout.js:23:20',
].join('\n');
