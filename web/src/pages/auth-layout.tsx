import type { ReactNode } from 'react';
import { LogoMark } from '../ui/icons.js';

/** The frame of the screens before sign-in: a centred card on a quiet background. */
export function AuthLayout({ title, subtitle, wide, children }: { title: string; subtitle?: ReactNode; wide?: boolean; children: ReactNode }) {
  return (
    <div className="auth-page">
      <main className={`auth-card${wide ? ' auth-card-wide' : ''}`}>
        <div className="auth-brand">
          <LogoMark />
          <span className="brand-name">Tessera</span>
        </div>
        <h1>{title}</h1>
        {subtitle ? <p className="auth-subtitle">{subtitle}</p> : null}
        {children}
      </main>
      <p className="auth-footer">Restricted system. Every access is logged.</p>
    </div>
  );
}
