import { ReviewForm } from "./ReviewForm";
import { Simulator } from "./Simulator";

/** Post one review and follow it to its prediction, or push a batch of real sample reviews through the API. */
export function ManagePage({ hidden }: { hidden: boolean }) {
  return (
    <section id="page-manage" data-testid="page-manage" className="page manage" hidden={hidden}>
      <ReviewForm />
      <Simulator />
    </section>
  );
}
