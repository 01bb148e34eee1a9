// The metrics API's contract, as the dashboard names it: every type here is an alias of the
// types derived from the API's OpenAPI snapshot (src/api/openapi.json -> src/api/schema.d.ts by
// `npm run api-types` before every tsc; `make api-types` refreshes the snapshot), so a
// change to the API that the dashboard does not follow fails `tsc` and `make lint`.
import type { components, operations } from '@/api/schema';

type Schemas = components['schemas'];

export type Run = Schemas['RunOut'];
export type RunStatus = Run['status'];
export type ModelType = Schemas['ModelType'];
export type ModelStatus = NonNullable<Run['model_status']>;

export type MetricPoint = Schemas['MetricPoint'];
export type RunWithHistory = Schemas['RunWithHistory'];
export type Summary = Schemas['SummaryData'];
export type Health = Schemas['HealthData'];
export type Experiment = Schemas['ExperimentOut'];
export type PromotionResult = Schemas['PromotionData'];
export type RunProgress = Schemas['RunProgress'];
export type ChampionHistory = Schemas['ChampionHistoryData'];
export type ChampionChange = Schemas['ChampionChange'];

export type Movie = Schemas['MovieOut'];
export type RecommendedMovie = Schemas['RecommendedMovie'];
/** What a run recommends to one viewer: the last 10 of their history and the run's top-k. */
export type Recommendations = Schemas['RecommendationsData'];
export type RecommendationsRequest = Schemas['RecommendationsRequest'];

type RunsQuery = NonNullable<operations['get_models_runs']['parameters']['query']>;

/** The plain filters and the search as the URL carries them: names from the contract, values
 *  as typed (the API validates them; `q` is the search language, metrics-api README). */
export type RunFilters = { [K in keyof Pick<RunsQuery, 'model_type' | 'model_name' | 'status' | 'q'>]?: string };

/** A successful answer: `data`; routes whose schema adds more (count, total...) name their
 *  whole response type, e.g. `api.get<Run[], RunsResponse>`. */
export type SuccessEnvelope<T> = { success: true; data: T };
export type RunsResponse = Schemas['RunsResponse'];

/** `position`: for a bad search query, the 0-based offset of the error. */
export type ErrorEnvelope = Schemas['ErrorResponse'];
