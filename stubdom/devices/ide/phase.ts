// The end of a data phase, decided by the channel's mode (as QEMU's end_transfer_func): the
// transfer engine (transfer.ts) and the bus master (busmaster.ts) move the data and report here
// when a phase's data is all moved, when a backend request fails, and when a request that a reset
// outlived completes. What that means for the command — run the command packet that arrived, end
// with ATA or ATAPI good status, ABRT/IDNF/UNC or CHECK CONDITION, let the reset finish — is
// decided here, not in the engine.
import { BLK_STATUS_RANGE, BLK_STATUS_NOMEDIA, BLK_STATUS_RDONLY } from "../../lib/abi";
import {
  Channel, Drive, MODE_IDLE, MODE_PIO_IN, MODE_PIO_OUT, MODE_DMA_IN, MODE_DMA_OUT, MODE_VERIFY,
  MODE_FLUSH, MODE_PACKET, MODE_ATAPI_PIO_IN, MODE_ATAPI_DMA_IN, MODE_BUFFER_IN,
} from "./state";
import {
  ST_DRDY, ST_DSC, ER_ABRT, ER_IDNF, ER_UNC, SK_MEDIUM_ERROR, SK_NOT_READY, SK_ILLEGAL_REQUEST,
  ASC_READ_ERROR, ASC_MEDIUM_NOT_PRESENT, ASC_LBA_OUT_OF_RANGE,
} from "./regs";
import { cmdDone, cmdError, checkCondition, atapiGood } from "./finish";
import { packetReceived } from "./atapi";
import { finishReset } from "./taskfile";

// The data phase of the channel's mode has moved all its data (or, for PACKET, received it).
export function phaseEnded(ch: Channel, d: Drive): void {
  switch (ch.mode) {
    case MODE_PACKET:
      packetReceived(ch, d);
      break;
    case MODE_PIO_IN:
    case MODE_BUFFER_IN:
      // End of a PIO data-in command: no interrupt after the last block.
      ch.mode = MODE_IDLE;
      d.status = ST_DRDY | ST_DSC;
      break;
    case MODE_ATAPI_PIO_IN:
    case MODE_ATAPI_DMA_IN:
      atapiGood(ch, d);
      break;
    case MODE_PIO_OUT:
    case MODE_DMA_IN:
    case MODE_DMA_OUT:
    case MODE_VERIFY:
    case MODE_FLUSH:
      cmdDone(ch, d);
      break;
    default:
      break;
  }
}

// A backend request of the phase failed with `status`: sense data for a packet command, an ATA
// error register value for the others.
export function phaseFailed(ch: Channel, d: Drive, status: i32): void {
  if (ch.mode == MODE_ATAPI_PIO_IN || ch.mode == MODE_ATAPI_DMA_IN) {
    if (status == BLK_STATUS_NOMEDIA) checkCondition(ch, d, SK_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
    else if (status == BLK_STATUS_RANGE) checkCondition(ch, d, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
    else checkCondition(ch, d, SK_MEDIUM_ERROR, ASC_READ_ERROR, 0);
    return;
  }
  if (status == BLK_STATUS_RANGE) cmdError(ch, d, ER_IDNF);
  else if (status == BLK_STATUS_RDONLY || status == BLK_STATUS_NOMEDIA) cmdError(ch, d, ER_ABRT);
  else cmdError(ch, d, ER_UNC);
}

// A request from before a reset has completed (its data dropped): a reset waiting for it ends now.
export function staleRequestDone(ch: Channel): void {
  if (ch.resetPending) finishReset(ch);
}
