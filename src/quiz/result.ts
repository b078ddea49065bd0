import type { AttemptRecord } from '../progress/schema.js';
import type { AttemptState } from './attempt.js';
import { TOPICS, TOPIC_TITLES, type QuestionBank, type Topic } from './schema.js';

/** Share of the points needed to pass. */
export const PASS_MARK = 0.8;

export interface TopicScore {
  score: number;
  max: number;
}

export interface AttemptSummary {
  byTopic: Partial<Record<Topic, TopicScore>>;
  total: TopicScore;
  /** Ids of the questions that earned less than the full point, in the order they were asked. */
  missed: string[];
  passed: boolean;
}

/** Adds up the answered questions of an attempt: one point per question, per topic and in total. */
export function summarizeAttempt(state: AttemptState, bank: QuestionBank): AttemptSummary {
  const byTopic: Partial<Record<Topic, TopicScore>> = {};
  const total: TopicScore = { score: 0, max: 0 };
  const missed: string[] = [];

  for (const answer of state.answers) {
    const question = bank.byId.get(answer.questionId);
    if (!question) {
      continue;
    }
    const topic = (byTopic[question.topic] ??= { score: 0, max: 0 });
    topic.score += answer.score;
    topic.max += 1;
    total.score += answer.score;
    total.max += 1;
    if (answer.score < 1) {
      missed.push(answer.questionId);
    }
  }

  return { byTopic, total, missed, passed: isPassing(total) };
}

export function isPassing(total: TopicScore): boolean {
  return total.max > 0 && total.score / total.max >= PASS_MARK - 1e-9;
}

/** Builds the history entry of a finished attempt. */
export function toAttemptRecord(state: AttemptState, summary: AttemptSummary): AttemptRecord {
  return {
    id: state.id,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt ?? new Date().toISOString(),
    seed: state.seed,
    retake: state.retake,
    questionIds: state.items.map((item) => item.questionId),
    byTopic: { ...summary.byTopic },
    total: summary.total,
    missed: summary.missed,
    passed: summary.passed,
  };
}

/** Formats points as "16.5/20 (83%)". */
export function formatScore(score: TopicScore): string {
  // Rounding first turns float sums of partial credit such as 15.999999 into 16, and 14.50 into 14.5.
  const points = String(Number(score.score.toFixed(2)));
  const percent = score.max === 0 ? 0 : Math.round((score.score / score.max) * 100);
  return `${points}/${score.max} (${percent}%)`;
}

/** One line per topic that the attempt asked about, in bank order: "Alignment styles  4/5 (80%)". */
export function formatTopicLines(byTopic: Partial<Record<string, TopicScore>>): string[] {
  const width = Math.max(...TOPICS.map((topic) => TOPIC_TITLES[topic].length));
  return TOPICS.filter((topic) => byTopic[topic]).map((topic) => `${TOPIC_TITLES[topic].padEnd(width)}  ${formatScore(byTopic[topic] as TopicScore)}`);
}

/** Machine-readable result for `quiz --json`. */
export function toJsonResult(state: AttemptState, summary: AttemptSummary, bank: QuestionBank): Record<string, unknown> {
  return {
    v: 1,
    id: state.id,
    seed: state.seed,
    retake: state.retake,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt ?? null,
    complete: state.phase === 'finished',
    passMark: PASS_MARK,
    passed: summary.passed,
    total: summary.total,
    byTopic: summary.byTopic,
    missed: summary.missed,
    answers: state.answers.map((answer) => ({
      questionId: answer.questionId,
      topic: bank.byId.get(answer.questionId)?.topic ?? null,
      response: answer.response.kind === 'number' ? answer.response.value : answer.response.choiceIds,
      score: answer.score,
    })),
  };
}
