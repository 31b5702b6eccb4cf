// Stable rejection codes (mail-protocol.md §5) with the sentence a person reads and the
// reply template the desk answers with. The reply never contains anything from the
// message itself (a rejected message may be an attack or a stranger's report).
import type { RejectReason } from './inspect.ts';

export interface RejectionInfo {
  /** One sentence for people (CLI output, coordinator digests). */
  sentence: string;
  /** Template under templates/ that answers the sender (content-free; it takes the reason). */
  replyTemplate: string;
  /** Whether the sender may be answered at all (never if answering could leak or amplify). */
  answerSender: boolean;
}

export const REJECTIONS: Record<RejectReason, RejectionInfo> = {
  'mixed-encryption': {
    sentence: 'The message mixes clear and encrypted parts; the desk never merges them (EFAIL).',
    replyTemplate: 'rejected',
    answerSender: true,
  },
  'not-for-us': {
    sentence: 'The message is encrypted to keys the desk does not hold.',
    replyTemplate: 'rejected',
    answerSender: true,
  },
  'decompression-limit': {
    sentence: 'The encrypted content expands beyond the desk’s size limit (possible compression bomb).',
    replyTemplate: 'rejected',
    answerSender: true,
  },
  'too-large': {
    sentence: 'The message is larger than the desk accepts.',
    replyTemplate: 'rejected',
    answerSender: true,
  },
  malformed: {
    sentence: 'The message is malformed and cannot be read safely.',
    replyTemplate: 'rejected',
    answerSender: true,
  },
  'no-content': {
    sentence: 'The message has no content.',
    replyTemplate: 'rejected',
    answerSender: true,
  },
};
