import { useCallback, useEffect, useRef, useState } from 'react';
import type { FileRef, ImportMapping, ImportOptionsInput, ImportReport, SniffResult } from '../../../../shared/domain/imports';
import type { ImportProgress } from '../../../../shared/ipc/events';
import { subscribeDroppedFile, takeDroppedFile } from '../../app/dropped-file';
import { navigate } from '../../app/router';
import type { ScreenProps } from '../../app/screens';
import { ErrorBanner, Page } from '../../components/Page';
import { call, onPush } from '../../lib/api';
import { RecentImports } from './RecentImports';
import { MappingStep } from './MappingStep';
import { ProgressStep } from './ProgressStep';
import { ReportStep } from './ReportStep';

type Step =
  | { kind: 'pick' }
  | { kind: 'loading'; label: string }
  | { kind: 'mapping'; file: FileRef; sniff: SniffResult; defaultCountry: string }
  | { kind: 'running'; file: FileRef; importId: string }
  | { kind: 'report'; report: ImportReport; fromHistory?: boolean };

/** Drop or open a CSV → check the mapping → import with progress → report. */
export function ImportScreen({ route }: ScreenProps) {
  const [step, setStep] = useState<Step>({ kind: 'pick' });
  const [error, setError] = useState<unknown>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const running = useRef<string | null>(null);

  const preview = useCallback(async (file: FileRef, overrides: Partial<Pick<SniffResult, 'encoding' | 'delimiter'>> = {}) => {
    setStep({ kind: 'loading', label: `Reading ${file.name}…` });
    try {
      // The phone country for numbers without +code starts from Settings → Default country.
      const [sniff, settings] = await Promise.all([
        call('imports:preview', { file: { id: file.id }, ...overrides }),
        call('settings:get', {}).catch(() => null),
      ]);
      setStep({ kind: 'mapping', file, sniff, defaultCountry: settings?.defaultCountry ?? 'US' });
    } catch (e) {
      setError(e);
      setStep({ kind: 'pick' });
    }
  }, []);

  const registerDropped = useCallback(
    async (dropped: File) => {
      setError(null);
      setMessage(null);
      setStep({ kind: 'loading', label: `Opening ${dropped.name}…` });
      try {
        // The transport turns a File into what main accepts (a path in Electron, uploaded bytes in the harness).
        const file = await call('files:register', { file: dropped } as never);
        await preview(file);
      } catch (e) {
        setError(e);
        setStep({ kind: 'pick' });
      }
    },
    [preview],
  );

  useEffect(() => {
    const pending = takeDroppedFile();
    if (pending) void registerDropped(pending);
    return subscribeDroppedFile((file) => {
      if (file && !running.current) void registerDropped(takeDroppedFile() ?? file);
    });
  }, [registerDropped]);

  const showReport = useCallback(async (importId: string) => {
    running.current = null;
    setCancelling(false);
    try {
      setStep({ kind: 'report', report: await call('imports:get', { importId }) });
    } catch (e) {
      setError(e);
      setStep({ kind: 'pick' });
    }
  }, []);

  useEffect(
    () =>
      onPush('import:progress', (p) => {
        if (p.importId !== running.current) return;
        setProgress(p);
        if (p.phase === 'done' || p.phase === 'failed' || p.phase === 'cancelled') void showReport(p.importId);
      }),
    [showReport],
  );

  /** A past import's report, reopened from Recent imports. */
  const openReport = async (importId: string) => {
    setError(null);
    setMessage(null);
    try {
      setStep({ kind: 'report', report: await call('imports:get', { importId }), fromHistory: true });
    } catch (e) {
      setError(e);
    }
  };

  // #/import?report=<id> (from the Overview's Recent imports) opens that import's report;
  // #/import?sample=1 (the first-run checklist) opens the sample file's mapping.
  const reportParam = route.params.get('report');
  const sampleParam = route.params.get('sample');
  useEffect(() => {
    if (reportParam) void openReport(reportParam);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reportParam]);
  useEffect(() => {
    if (sampleParam !== '1') return;
    navigate('import', undefined, true);
    call('setup:sampleFile', {}).then((file) => preview(file), setError);
  }, [sampleParam, preview]);

  const openDialog = async () => {
    setError(null);
    try {
      const file = await call('files:openDialog', {});
      if (file) await preview(file);
    } catch (e) {
      setError(e);
    }
  };

  const start = async (file: FileRef, mapping: ImportMapping, options: ImportOptionsInput) => {
    setError(null);
    setProgress(null);
    try {
      const { importId } = await call('imports:start', { file: { id: file.id }, mapping, options });
      running.current = importId;
      setStep({ kind: 'running', file, importId });
      // A very small file can finish before the first progress push reaches us.
      const report = await call('imports:get', { importId });
      if (report.status !== 'running' && running.current === importId) await showReport(importId);
    } catch (e) {
      setError(e);
    }
  };

  const cancel = async (importId: string) => {
    setCancelling(true);
    try {
      await call('imports:cancel', { importId });
    } catch (e) {
      setError(e);
      setCancelling(false);
    }
  };

  const savePreset = async (sniff: SniffResult, name: string, mapping: ImportMapping) => {
    try {
      await call('presets:save', { name, headers: sniff.headers, mapping });
      setMessage(`Saved preset "${name}"; it is picked automatically when these columns come back.`);
    } catch (e) {
      setError(e);
    }
  };

  const saveErrors = async (report: ImportReport) => {
    try {
      const saved = await call('imports:saveErrors', { importId: report.id });
      if (saved) setMessage(`Saved ${saved.rows} error row(s) to ${saved.path}. That file contains the original values of those rows: keep it safe.`);
    } catch (e) {
      setError(e);
    }
  };

  const undo = async (report: ImportReport) => {
    if (!window.confirm(`Delete the ${report.imported} event(s) imported from ${report.fileName}?`)) return;
    try {
      const { deleted } = await call('imports:undo', { importId: report.id });
      const undone = await call('imports:get', { importId: report.id });
      setStep((current) => ({ kind: 'report', report: undone, fromHistory: current.kind === 'report' && current.fromHistory }));
      setMessage(`Deleted ${deleted} event(s) from this import.`);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page
      title="Import"
      testId="import-screen"
      actions={
        step.kind === 'pick' || step.kind === 'report' ? (
          <button type="button" className="btn btn--primary" data-testid="open-csv" onClick={openDialog}>
            Open CSV…
          </button>
        ) : undefined
      }
    >
      <ErrorBanner error={error} />
      {step.kind === 'pick' && (
        <>
          <div className="drop-zone" data-testid="drop-zone">
            <div className="drop-zone__title">Drop a CSV file anywhere on this window</div>
            <div className="muted">
              Exports from Google Ads templates, Meta offline events, HubSpot, Salesforce, Shopify and most CRMs are recognized.
              Emails, phones and names are normalized and hashed on this computer; the raw values are never stored.
            </div>
            <button type="button" className="btn" onClick={openDialog}>Choose a file…</button>
          </div>
          <RecentImports onOpen={(importId) => void openReport(importId)} />
        </>
      )}
      {step.kind === 'loading' && <div className="card muted" data-testid="import-loading">{step.label}</div>}
      {step.kind === 'mapping' && (
        <MappingStep
          key={`${step.file.id}-${step.sniff.encoding}-${step.sniff.delimiter}`}
          file={step.file}
          sniff={step.sniff}
          defaultCountry={step.defaultCountry}
          busy={false}
          onReSniff={(overrides) => void preview(step.file, overrides)}
          onStart={(mapping, options) => void start(step.file, mapping, options)}
          onSavePreset={(name, mapping) => void savePreset(step.sniff, name, mapping)}
          onCancel={() => setStep({ kind: 'pick' })}
        />
      )}
      {step.kind === 'running' && (
        <ProgressStep fileName={step.file.name} progress={progress} cancelling={cancelling} onCancel={() => void cancel(step.importId)} />
      )}
      {step.kind === 'report' && (
        <ReportStep
          report={step.report}
          message={message}
          doneLabel={step.fromHistory ? 'Back to imports' : undefined}
          onSaveErrors={() => void saveErrors(step.report)}
          onUndo={() => void undo(step.report)}
          onDone={() => {
            setMessage(null);
            setStep({ kind: 'pick' });
          }}
        />
      )}
    </Page>
  );
}
