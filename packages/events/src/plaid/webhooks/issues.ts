import * as z from 'zod';

/** `ISSUES` / `ISSUE_RESOLVED`: a subscribed institution issue was marked resolved (no `environment` field). */
export const IssueResolvedWebhookSchema = z.looseObject({
  webhook_type: z.literal('ISSUES'),
  webhook_code: z.literal('ISSUE_RESOLVED'),
  issue_id: z.string(),
  issue_description: z.string(),
  issue_resolved_at: z.string(),
  institution_id: z.string(),
  institution_name: z.string(),
});
export type IssueResolvedWebhook = z.infer<typeof IssueResolvedWebhookSchema>;
