import type { WebSocket } from 'ws';
import type { Role } from '../auth/principal.js';

interface Client {
  socket: WebSocket;
  userId: string;
  roles: Role[];
}

/** Fan-out of real-time messages to the browsers of the people allowed to see them. */
export class StreamHub {
  private readonly byUser = new Map<string, Set<Client>>();

  add(socket: WebSocket, userId: string, roles: Role[]): () => void {
    const client: Client = { socket, userId, roles };
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(client);
    return () => {
      set.delete(client);
      if (set.size === 0) this.byUser.delete(userId);
    };
  }

  toUser(userId: string, message: object): void {
    const set = this.byUser.get(userId);
    if (!set) return;
    const data = JSON.stringify(message);
    for (const c of set) if (c.socket.readyState === 1) c.socket.send(data);
  }

  /** Everyone connected (messages that carry no private data, e.g. "workbin X changed"). */
  broadcast(message: object): void {
    const data = JSON.stringify(message);
    for (const set of this.byUser.values()) for (const c of set) if (c.socket.readyState === 1) c.socket.send(data);
  }

  /**
   * Supervisors and admins: live statistics, and alerts about one task to those who supervise it
   * (`sees`, e.g. auth/supervision.ts `supervisorsOf`): a supervisor hears only of their teams' work.
   */
  toSupervisors(message: object, sees?: (userId: string, roles: readonly Role[]) => boolean): void {
    const data = JSON.stringify(message);
    for (const set of this.byUser.values())
      for (const c of set)
        if (c.socket.readyState === 1 && (c.roles.includes('supervisor') || c.roles.includes('admin')) && (!sees || sees(c.userId, c.roles))) c.socket.send(data);
  }

  connectedUsers(): number {
    return this.byUser.size;
  }

  closeAll(): void {
    for (const set of this.byUser.values()) for (const c of set) c.socket.close(1001, 'server shutting down');
    this.byUser.clear();
  }
}
