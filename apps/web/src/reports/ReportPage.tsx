import { lazy } from 'react';
import { sessionStore } from '../api/client.js';

const ReportEditorPage = lazy(() => import('./editor/ReportEditorPage.js'));
const ReviewPage = lazy(() => import('../review/ReviewPage.js'));

/** Loads the report page of the user's role: the unit's fillers edit, everyone else reviews or inspects. */
export function loadReportPage(): Promise<unknown> {
  return sessionStore.get()?.user.role === 'unit_filler' ? import('./editor/ReportEditorPage.js') : import('../review/ReviewPage.js');
}

/** /reports/:reportId — the editor for fillers, the review page for everyone else. */
export default function ReportPage({ reportId }: { reportId: string }) {
  const role = sessionStore.get()?.user.role;
  return role === 'unit_filler' ? <ReportEditorPage reportId={reportId} /> : <ReviewPage reportId={reportId} />;
}
