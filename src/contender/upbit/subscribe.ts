/**
 * @module upbit/subscribe
 * The one request each connection sends after it opens: its ticket, the channel and its codes,
 * DEFAULT format. https://docs.upbit.com/reference/websocket-request-format
 */
import type { Channel } from './frame-check.ts'

export function subscribeMessage(ticket: string, channel: Channel, codes: readonly string[]): string {
  return JSON.stringify([{ ticket }, { type: channel, codes }, { format: 'DEFAULT' }])
}
