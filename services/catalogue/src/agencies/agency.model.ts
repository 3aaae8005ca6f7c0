/** A state agency of the province, with its token-safe code and its national identifier (mã định danh). */
export type AgencyLevel = 'province' | 'district' | 'commune';

export interface FocalPoint {
  name: string;
  title?: string;
  email: string;
  phone?: string;
}

export interface AgencyState {
  _id: string; // the code
  /** The code in lower case, unique: `SXD` and `sxd` would be two agencies to a machine, one to a person. */
  codeFolded: string;
  revision: number;
  nationalId?: string;
  name: string;
  level: AgencyLevel;
  parentCode?: string;
  /** 004 Điều 12: the agency's data focal point (đầu mối dữ liệu). */
  focalPoint?: FocalPoint;
  registeredAt: Date;
  updatedAt: Date;
}
