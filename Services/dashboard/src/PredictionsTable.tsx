import type { Label, Prediction } from "./contract";
import { formatPercent } from "./format";

function LabelBadge({ label }: { label: Label }) {
  return <span className={`badge ${label}`}>{label}</span>;
}

/** The latest predictions, newest first; a row is marked when the model disagreed with the review's score. */
export function PredictionsTable({ predictions }: { predictions: Prediction[] }) {
  const wrong = predictions.filter((p) => p.result !== p.expected).length;
  return (
    <section className="panel" id="predictions" data-testid="predictions">
      <h2>Last {predictions.length || ""} predictions</h2>
      {predictions.length === 0 ? <p className="empty">No predictions yet.</p> : (
        <>
          <p className="panel-note">{wrong} of {predictions.length} wrong (highlighted)</p>
          <div className="table-scroll">
            <table className="table predictions">
              <thead>
                <tr>
                  <th scope="col">review</th>
                  <th scope="col">predicted</th>
                  <th scope="col">expected</th>
                  <th scope="col" className="num">prob.</th>
                </tr>
              </thead>
              <tbody>
                {predictions.map((p) => {
                  const correct = p.result === p.expected;
                  return (
                    <tr key={p._id} className={correct ? undefined : "wrong"} data-testid="prediction-row"
                        data-id={p._id} data-correct={correct}>
                      <td className="review-text" title={p.review}><span>{p.review}</span></td>
                      <td data-label="predicted"><LabelBadge label={p.result} /></td>
                      <td data-label="expected"><LabelBadge label={p.expected} /></td>
                      <td className="num" data-label="prob.">{p.probability == null ? "–" : formatPercent(p.probability, 0)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
