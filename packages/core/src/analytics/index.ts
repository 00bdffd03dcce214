import { findCategories, type ComplianceResult, type Conversation, type Hit, type TextCategory } from './categories.js';
import { conversationSentiment, type Sentiment } from './sentiment.js';

export * from './categories.js';
export * from './sentiment.js';
export * from './trends.js';

export interface ConversationAnalysis {
  topics: Hit[];
  compliance: ComplianceResult[];
  sentiment: Sentiment | null;
  /** Lines read (customer and agent). */
  lines: number;
}

/** A finished conversation, read once: its topics, each compliance rule, the customer's sentiment. */
export function analyzeConversation(categories: readonly TextCategory[], conv: Conversation): ConversationAnalysis {
  return { ...findCategories(categories, conv), sentiment: conversationSentiment(conv.lines), lines: conv.lines.length };
}
