// The analytics screen and the united returns report dialog in web mode (demo data from the sandbox).
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { saveScreen } from './helpers.ts';
import { expectAccessible, openApp, setTheme, waitForRows } from './ui-helpers.ts';

test.describe('analytics', () => {
  test('figures with tables, sorting, CSV export and bad dates', async ({ page }) => {
    await openApp(page);
    await waitForRows(page);
    await page.getByTestId('open-analytics').click();
    await expect(page.getByTestId('analytics')).toBeVisible();
    // Demo data: some returns in the last 30 days.
    await expect(page.getByTestId('an-total-returns')).not.toContainText(/^\D*0$/);
    await expect(page.getByTestId('an-table-reasons').locator('tbody tr').first()).toBeVisible();
    await expect(page.getByTestId('an-section-timeline').locator('svg.recharts-surface').first()).toBeVisible();
    await saveScreen(page, 'analytics-light');
    // The screen scrolls inside its pane: look at the lower sections too.
    for (const section of ['decisionMix', 'deadlines', 'money']) {
      await page.getByTestId(`an-section-${section}`).scrollIntoViewIfNeeded();
      await saveScreen(page, `analytics-light-${section}`);
    }

    // Sorting a table by a column says so to assistive technology.
    const header = page.getByTestId('an-table-topSkus').locator('th').nth(3);
    await header.getByRole('button').click();
    await expect(header).toHaveAttribute('aria-sort', /descending|ascending/);

    // Each table exports as CSV with a BOM into <dataDir>/reports (web mode says where).
    await page.getByTestId('an-export-topSkus').click();
    const saved = page.getByTestId('an-export-saved');
    await expect(saved).toContainText('/reports/analytics-topSkus_');
    const path = (await saved.locator('code').textContent())!;
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    // Headings in the UI's language (English here): Russian gets ";" and Russian headings (see operator-day).
    expect(bytes.toString('utf8')).toContain('SKU,Product,Returns,Units,"Refund amount, RUB"\r\n');
    // Web mode cannot open the serving machine's files: the file is offered for download.
    await expect(page.getByTestId('an-export-download')).toHaveAttribute('href', /^media\/download\/[0-9a-f]{32}\?k=/);

    await page.getByTestId('export-inbox').click();
    await expect(saved).toContainText('/reports/inbox_');

    await expectAccessible(page, '[data-testid="analytics"]');

    // End before start: said clearly, nothing asked of main.
    await page.getByTestId('an-from').fill('2030-01-10');
    await page.getByTestId('an-to').fill('2030-01-01');
    await expect(page.getByTestId('an-period-problem')).toBeVisible();

    await setTheme(page, 'dark');
    await page.getByTestId('open-analytics').click();
    // Two years is the longest period; longer is refused in words.
    await page.getByTestId('an-from').fill('2020-01-01');
    await page.getByTestId('an-to').fill('2024-01-01');
    await expect(page.getByTestId('an-period-problem')).toContainText(/two years|двух лет/);
    const today = new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10);
    await page.getByTestId('an-from').fill(new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10));
    await page.getByTestId('an-to').fill(today);
    await page.getByTestId('an-bucket').selectOption('week');
    await expect(page.getByTestId('an-table-stores').locator('tbody tr').first()).toBeVisible();
    await saveScreen(page, 'analytics-dark');
    await setTheme(page, 'light');
  });

  test('the united returns report is ordered, shows progress and is saved', async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page);
    await waitForRows(page);
    await page.getByTestId('open-analytics').click();
    await page.getByTestId('open-report-dialog').click();
    const dialog = page.getByTestId('report-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('report-stores').locator('input:checked')).toHaveCount(1);
    await saveScreen(page, 'analytics-report-dialog');

    // Reversed dates are refused in the form.
    const from = await dialog.getByTestId('report-from').inputValue();
    await dialog.getByTestId('report-from').fill('2030-01-10');
    await dialog.getByTestId('report-to').fill('2030-01-01');
    await expect(dialog.getByTestId('report-period-problem')).toBeVisible();
    await expect(dialog.getByTestId('report-start')).toBeDisabled();
    await dialog.getByTestId('report-from').fill(from);
    await dialog.getByTestId('report-to').fill(new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10));

    await dialog.getByTestId('report-start').click();
    await expect(dialog.getByTestId('report-job')).toBeVisible();
    await expect(dialog.getByTestId('report-progress')).toBeVisible();
    await saveScreen(page, 'analytics-report-progress');
    await expect(dialog.getByTestId('report-state')).toHaveText(/Ready|Готово/, { timeout: 90_000 });
    const path = dialog.getByTestId('report-path');
    await expect(path).toContainText('/reports/united-returns_');
    const file = (await path.locator('code').textContent())!;
    expect(readFileSync(file).toString('utf8')).toContain('returnId');
    await saveScreen(page, 'analytics-report-done');
    await dialog.getByTestId('report-close').click();
    await expect(dialog).toBeHidden();
  });
});
