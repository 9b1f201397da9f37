/**
 * Next-item recommendations from co-purchase patterns (item-to-item cosine over buyers), with an offline
 * evaluation on a time split against a popularity baseline. What the rest of analytics imports.
 */
export { DEFAULT_RECOMMENDATION_OPTIONS, historiesFrom, HistoryBuilder, recommendFor, scoreMembers, trainCoPurchase } from './co-purchase';
export type { CoPurchaseModel, Histories, HistoryRow, Recommendation, RecommendationOptions } from './co-purchase';
export { evaluateSplit, popularityRanking } from './evaluation';
export type { EvaluationOptions, EvaluationResult } from './evaluation';
export { computeRecommendations, evaluateRecommendations, loadHistories, recommendationsOf } from './recommendations.service';
export type { ComputeSummary, RecommendationProgress } from './recommendations.service';
