import { fireEvent, render, screen } from '@testing-library/react';
import type { LatestMessage } from '../api/types';
import { LatestTable } from './LatestTable';

const message = (offset: number): LatestMessage => ({
  id: `0:${offset}`,
  partition: 0,
  timestamp: 1_700_000_000_000 + offset,
  size: 30,
  kind: 'json',
  value: { offset, route: '/api/v1/streams' },
});
/** The newest `n` messages up to `last`, newest first (as the snapshots send them). */
const newest = (last: number, n = 3) =>
  Array.from({ length: n }, (_, i) => message(last - i));

describe('LatestTable', () => {
  it('holds the rows while a message is open, says so, and follows the stream again when closed', () => {
    const { rerender } = render(
      <LatestTable messages={newest(12)} transport="kafka" />,
    );
    fireEvent.click(screen.getByLabelText('Expand 0:11'));
    // Live traffic: 0:11 is no longer among the newest messages the backend sends.
    rerender(<LatestTable messages={newest(14)} transport="kafka" />);
    rerender(<LatestTable messages={newest(30)} transport="kafka" />);
    expect(screen.getByLabelText('Payload of 0:11').textContent).toContain(
      '"offset": 11',
    );
    expect(screen.getByLabelText('Table held')).toHaveTextContent(
      'Held while a message is open: 3+ newer messages are not shown',
    );
    expect(screen.queryByLabelText('Expand 0:30')).toBeNull();
    // Another row of the held table opens in place of the first; the table stays held.
    fireEvent.click(screen.getByLabelText('Expand 0:10'));
    expect(screen.getByLabelText('Payload of 0:10')).toBeInTheDocument();
    expect(screen.queryByLabelText('Payload of 0:11')).toBeNull();
    // Closing it shows the newest again.
    fireEvent.click(screen.getByLabelText('Collapse 0:10'));
    expect(screen.queryByLabelText('Table held')).toBeNull();
    expect(screen.getByLabelText('Expand 0:30')).toBeInTheDocument();
  });

  it('"Show newest" closes the message and lets the rows move again', () => {
    const { rerender } = render(
      <LatestTable messages={newest(5)} transport="redis" />,
    );
    fireEvent.click(screen.getByLabelText('Expand 0:5'));
    rerender(<LatestTable messages={newest(6)} transport="redis" />);
    expect(screen.getByLabelText('Table held')).toHaveTextContent(
      '1 newer messages are not shown',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Show newest' }));
    expect(screen.queryByLabelText(/^Payload of/)).toBeNull();
    expect(screen.getByLabelText('Expand 0:6')).toBeInTheDocument();
  });
});
