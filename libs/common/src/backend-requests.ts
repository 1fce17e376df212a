/**
 * Requests this process has sent to each backend since it started: store commands (MongoDB
 * commands as the driver's command monitoring sees them, SQLite statements run), Redis commands
 * (a pipeline's commands each count, though they travel together) and Kafka requests (producers
 * and consumers). Exposed as `im_backend_requests_total{backend}` and read by `npm run bench`,
 * which divides them by the messages delivered in the same window.
 */
export const backendRequests: { store: number; redis: number; kafka: number } = { store: 0, redis: 0, kafka: 0 };
