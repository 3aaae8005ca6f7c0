import type { NetworkAccessPoint } from '@openlgsp/contracts';

/** Register to use a network service at a point, change a connection point, or stop using it (001 Điều 9, 14.2). */
export type RegistrationKind = 'connect' | 'change' | 'disconnect';

/** The agency asks in writing → DIC compiles and proposes → the People's Committee decides (001 Điều 9). */
export type RegistrationStatus = 'requested' | 'proposed' | 'approved' | 'rejected';

export interface RegistrationState {
  _id: string;
  revision: number;
  agency: string;
  kind: RegistrationKind;
  accessPoint: NetworkAccessPoint;
  service: string;
  /** Connect and change: the data centre, information system or gateway that connects. */
  systemId?: string;
  justification: string;
  /** The written request's reference (001 Điều 9: "gửi văn bản"). */
  documentRef: string;
  requestedBy: string;
  requestedAt: Date;
  status: RegistrationStatus;
  proposal: { recommendation: 'approve' | 'reject'; note: string; by: string; at: Date } | null;
  decision: {
    outcome: 'approved' | 'rejected';
    note: string;
    decisionRef?: string;
    /** An approved connection: the passed assessment it rests on. */
    assessmentId?: string;
    by: string;
    at: Date;
  } | null;
  updatedAt: Date;
}
