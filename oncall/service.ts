// What the rest of the system (the API) can ask of the running on-call part.
import type { SlackClickInput } from './channels/slack/index.js';
import type { OverrideInput } from '../config/index.js';
import type { NotificationRow } from '../store/index.js';
import type { Directory } from './directory.js';
import type { Pager } from './pager.js';
import type { TestPageResult } from './test-page.js';
import type { OnCallWarning } from './warnings.js';

export interface StoredOverride extends OverrideInput {
  id: string;
  author: string;
}

export type AckOutcome =
  | { status: 'acknowledged' | 'already-acknowledged'; alertKey: string; by: string }
  | { status: 'over'; alertKey: string }
  | { status: 'invalid' | 'expired' };

export interface OnCallService {
  namespace: string;
  directory(): Directory;
  overrides(): StoredOverride[];
  addOverride(input: OverrideInput, author: string): Promise<StoredOverride>;
  removeOverride(id: string, by: string): Promise<boolean>;
  warnings(now: number): OnCallWarning[];
  testPage(target: { kind: 'user' | 'schedule'; id: string }, by: string): Promise<TestPageResult[] | null>;
  escalations(): ReturnType<Pager['escalations']>;
  notificationHistory(alertKey: string): Promise<NotificationRow[]>;
  /** What an acknowledge link names, checked (without acknowledging). */
  checkAckLink(
    token: string,
  ): { ok: true; alertKey: string; recipient: string } | { ok: false; reason: 'invalid' | 'expired' };
  acknowledgeByLink(token: string): Promise<AckOutcome>;
  /** A click on a Slack button (the raw body and Slack's signature headers). */
  slackClick(input: SlackClickInput): Promise<{ status: number; text: string }>;
  feedToken(kind: 'schedule' | 'user', id: string): string;
  verifyFeedToken(kind: 'schedule' | 'user', id: string, token: string): boolean;
  publicUrl(): string;
}
