// Link state: STATUS.LU is up when the backend has carrier, auto-negotiation is not under way and
// CTRL.SLU is set. Every change of LU raises LSC. Restarting auto-negotiation (PHY BMCR) takes the
// link down and brings it back AUTONEG_NS later on the virtual clock.
import { timer_cancel } from "../../lib/abi";
import { S, reg, setReg } from "./state";
import { CTRL, CTRL_SLU, STATUS, STATUS_LU, ICR_LSC } from "./regs";
import { phySetLink, BMCR_ANENABLE, MII_BMCR, AUTONEG_NS } from "./phy";
import { raise, armNs, TIMER_AUTONEG } from "./irq";

// Recomputes STATUS.LU; raises LSC when it changed.
export function linkUpdate(): void {
  const up = S.carrier && !S.autonegRunning && (reg(CTRL) & CTRL_SLU) != 0;
  const st = reg(STATUS);
  const was = (st & STATUS_LU) != 0;
  if (up == was) return;
  setReg(STATUS, up ? st | STATUS_LU : st & ~STATUS_LU);
  raise(ICR_LSC);
}

export function autonegStart(): void {
  if (!S.carrier) return;
  S.autonegRunning = true;
  phySetLink(false, false);
  linkUpdate();
  armNs(TIMER_AUTONEG, AUTONEG_NS);
}

export function autonegDone(): void {
  S.autonegRunning = false;
  phySetLink(S.carrier, true);
  linkUpdate();
}

// The backend reports carrier (EVENT_NET_LINK).
export function carrierChange(up: bool): void {
  if (up == S.carrier) return;
  S.carrier = up;
  if (up && (S.phy[MII_BMCR] & BMCR_ANENABLE) != 0) {
    autonegStart();
    return;
  }
  timer_cancel(TIMER_AUTONEG);
  S.autonegRunning = false;
  phySetLink(up, up);
  linkUpdate();
}

// Device reset: link settled to the backend's state at once (power-on autoneg is not modelled).
export function linkReset(): void {
  timer_cancel(TIMER_AUTONEG);
  S.autonegRunning = false;
  phySetLink(S.carrier, true);
  const st = reg(STATUS);
  const up = S.carrier && (reg(CTRL) & CTRL_SLU) != 0;
  setReg(STATUS, up ? st | STATUS_LU : st & ~STATUS_LU);
}
