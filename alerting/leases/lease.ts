// Which process runs a namespace's alerting: the seam between the alerting runtime and how
// processes agree (Keeper's leases, or a process alone on its store).
import type { NamespaceLease } from '../runtime.js';

/** The process that holds a lease, as others reach it. */
export interface LeaseHolder {
  /** Its API, where requests that need the namespace's alert book are forwarded. */
  apiUrl: string;
  instance: string;
}

/** Told when this process gains (`leader`) or loses a namespace's lease. */
export type LeaseListener = (namespace: string, leader: boolean, fence: number) => void;

export interface NamespaceLeases extends NamespaceLease {
  /** Stands for the namespace's lease (once; later calls do nothing). */
  join(namespace: string): Promise<void>;
  /** Who holds the namespace's lease (null: nobody now); asks Keeper for a namespace not stood for. */
  holder(namespace: string): Promise<LeaseHolder | null>;
  onChange(listener: LeaseListener): void;
  /** Asks the lease's keeper whether this process still holds it: its fencing number if so. */
  confirm(namespace: string): Promise<number | null>;
  close(): Promise<void>;
}

/** The only alerting process on its store (`self`; null in a process that runs no alerting). */
export function soleProcessLeases(self: LeaseHolder | null): NamespaceLeases {
  const joined = new Set<string>();
  const listeners: LeaseListener[] = [];
  return {
    async join(namespace) {
      if (joined.has(namespace)) return;
      joined.add(namespace);
      for (const l of listeners) l(namespace, true, 0);
    },
    mayRun: () => true,
    holder: async () => self,
    onChange(listener) {
      listeners.push(listener);
    },
    confirm: async () => 0,
    async close() {},
  };
}
