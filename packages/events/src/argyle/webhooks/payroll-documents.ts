import * as z from 'zod';
import { AccountUserDataSchema, ArgyleAnyDataSchema, argyleWebhook } from '../common.js';

const PayrollDocumentDataSchema = AccountUserDataSchema.extend({ payroll_document: z.string() });

export const PayrollDocumentsAddedWebhookSchema = argyleWebhook(
  'payroll_documents.added',
  PayrollDocumentDataSchema,
);
export type PayrollDocumentsAddedWebhook = z.infer<typeof PayrollDocumentsAddedWebhookSchema>;

export const PayrollDocumentsUpdatedWebhookSchema = argyleWebhook(
  'payroll_documents.updated',
  PayrollDocumentDataSchema,
);
export type PayrollDocumentsUpdatedWebhook = z.infer<typeof PayrollDocumentsUpdatedWebhookSchema>;

export const PayrollDocumentsRemovedWebhookSchema = argyleWebhook(
  'payroll_documents.removed',
  PayrollDocumentDataSchema,
);
export type PayrollDocumentsRemovedWebhook = z.infer<typeof PayrollDocumentsRemovedWebhookSchema>;

// The OCR events' payloads are not published, so any object is accepted.
export const PayrollDocumentsOcrCompletedWebhookSchema = argyleWebhook(
  'payroll_documents.ocr_completed',
  ArgyleAnyDataSchema,
);
export type PayrollDocumentsOcrCompletedWebhook = z.infer<typeof PayrollDocumentsOcrCompletedWebhookSchema>;

export const PayrollDocumentsOcrFailedWebhookSchema = argyleWebhook(
  'payroll_documents.ocr_failed',
  ArgyleAnyDataSchema,
);
export type PayrollDocumentsOcrFailedWebhook = z.infer<typeof PayrollDocumentsOcrFailedWebhookSchema>;
