import { useEffect, useState, useSyncExternalStore } from 'react';
import { sessionStore } from '../../api/client.js';
import { EditSession, type SessionState } from './edit-session.js';

/** The edit session of one report for as long as its page is open. */
export function useEditSession(reportId: string): [EditSession, SessionState] {
  const [session, setSession] = useState(() => newSession(reportId));
  if (session.reportId !== reportId) setSession(newSession(reportId));
  const state = useSyncExternalStore(session.subscribe, session.getState);

  useEffect(() => {
    void session.load();
    const warn = (event: BeforeUnloadEvent) => {
      if (session.hasUnsaved) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
      // Leaving the page sends what is pending; whatever cannot be sent stays in localStorage.
      void session.flushNow().catch(() => undefined).finally(() => session.close());
    };
  }, [session]);
  return [session, state];
}

function newSession(reportId: string): EditSession {
  const userId = sessionStore.get()?.user.userId;
  return new EditSession(reportId, userId ? `jixiao.drafts.${userId}.${reportId}` : null);
}
