import { stepUtils } from "@web_tour/tour_utils";

/**
 * The steps every tour of the suite starts with: the Invoicing app, its Collections
 * menu, then the entry `menuXmlid` (`content` says what the entry is for).
 */
export function openCollectionsMenu(menuXmlid, content) {
    return [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open the Collections menu",
            trigger: 'button[data-menu-xmlid="eh_collections_case.menu_collections_root"]',
            run: "click",
        },
        {
            content,
            trigger: `a[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}
